import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { batchKeys } from '../../core/batch/outcome';
import { RUN_MODES, type RunMode } from '../../core/pipeline/run';

/** The settings a local batch was started with, kept beside its outcomes so that a resumed run keeps them. */
const localBatchRecordSchema = z.object({
  batchId: z.string(),
  mode: z.enum(RUN_MODES),
  fusionModelVersion: z.string().optional(),
  startedAt: z.iso.datetime(),
});

export type LocalBatchRecord = z.infer<typeof localBatchRecordSchema>;

export const localBatchRecordKey = (batchId: string) => `${batchKeys.prefix(batchId)}local-batch.json`;

/** A batch id reused with other settings: its outcomes would mix two batches. */
export class BatchSettingsConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BATCH_SETTINGS_CONFLICT';
  }
}

/**
 * The batch's record: the one a previous run of the same batch left (its start time kept), or a new one.
 * Resuming with another mode or model version is refused: one batch, one mode, one model.
 */
export async function openBatchRecord(
  s3: S3Client,
  bucket: string,
  settings: { batchId: string; mode: RunMode; fusionModelVersion?: string },
): Promise<LocalBatchRecord> {
  const key = localBatchRecordKey(settings.batchId);
  const previous = await s3
    .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    .then(async (object) =>
      localBatchRecordSchema.parse(JSON.parse((await object.Body!.transformToString()) || '{}')),
    )
    .catch((error: unknown) => {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    });
  if (previous) {
    const same =
      previous.mode === settings.mode && previous.fusionModelVersion === settings.fusionModelVersion;
    if (!same)
      throw new BatchSettingsConflict(
        `batch ${settings.batchId} was started with --mode ${previous.mode}` +
          `${previous.fusionModelVersion ? ` --model-version ${previous.fusionModelVersion}` : ''}: ` +
          'resume it with the same settings, or start another batch with --batch-id',
      );
    return previous;
  }
  const record: LocalBatchRecord = { ...settings, startedAt: new Date().toISOString() };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify(record, null, 2),
      ContentType: 'application/json',
    }),
  );
  return record;
}
