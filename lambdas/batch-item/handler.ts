import { HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { BATCH_ID_PATTERN, batchKeys, type BatchOutcome } from '../../core/batch/outcome';
import { manifestVersionOfHead } from '../../core/pipeline/manifest-event';
import { RUN_MODES, type StudyRun } from '../../core/pipeline/run';
import { StepError } from '../../core/pipeline/step-error';
import { studyIdOfManifestKey, studyKeys } from '../../core/study/keys';
import { MODEL_VERSION_PATTERN } from '../../core/study/model-keys';
import { isStudyId } from '../../core/study/study-id';
import { s3 } from '../shared/aws-clients';
import { logger } from '../shared/logger';
import { putJson } from '../shared/s3-objects';
import { perInvocation } from '../shared/per-invocation';

/** What the batch state machine's Map hands each item: the batch's settings and one row of its item list. */
const batchItemSchema = z.object({
  batchId: z.string().regex(BATCH_ID_PATTERN, 'batchId must be 1–64 of [A-Za-z0-9_-]'),
  bucket: z.string().min(3),
  mode: z.enum(RUN_MODES).default('score'),
  fusionModelVersion: z
    .string()
    .regex(MODEL_VERSION_PATTERN, 'a model version is 1–64 of [A-Za-z0-9._-]')
    .optional(),
  /** A row of the CSV/JSON item list (`studyId`), or of an S3 listing (`Key` of a manifest). */
  item: z.record(z.string(), z.unknown()),
});

export type BatchItemInput = z.input<typeof batchItemSchema>;

export const handler = perInvocation(runOfBatchItem);

/**
 * One item of a batch → the input of the single-study state machine: the study's current manifest version
 * (its artifacts are keyed by it, so a rescore finds what the last run kept) and the batch's mode. An item
 * that names no study, or a study without a manifest, fails here with a specific code; where the study id
 * is valid the failure is also the study's outcome in the batch.
 */
async function runOfBatchItem(input: BatchItemInput): Promise<StudyRun> {
  const parsed = batchItemSchema.safeParse(input);
  if (!parsed.success)
    throw new StepError(
      'INVALID_BATCH_INPUT',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  const { batchId, bucket, mode, fusionModelVersion, item } = parsed.data;
  const studyId = studyIdOf(item);
  if (!studyId)
    throw new StepError(
      'INVALID_ITEM',
      'the item names no study: expected a studyId of 1–64 [A-Za-z0-9_-] or a Key incoming/{studyId}/manifest.json',
    );
  logger.appendKeys({ studyId, batchId });
  const head = await s3
    .send(new HeadObjectCommand({ Bucket: bucket, Key: studyKeys.manifest(studyId) }))
    .catch((error: unknown) => {
      if (error instanceof NotFound) return undefined;
      throw error;
    });
  const manifestVersion = head && manifestVersionOfHead(head);
  if (!manifestVersion) {
    const failure = new StepError(
      'MANIFEST_MISSING',
      `study ${studyId} has no ${studyKeys.manifest(studyId)} in the studies bucket: upload the study first`,
    );
    const outcome: BatchOutcome = {
      status: 'FAILED',
      studyId,
      batchId,
      mode,
      finishedAt: new Date().toISOString(),
      stage: 'BatchItem',
      code: failure.code,
      message: failure.message,
    };
    await putJson(bucket, batchKeys.outcome(batchId, studyId), outcome);
    throw failure;
  }
  return {
    studyId,
    manifestVersion,
    bucket,
    artifacts: {},
    mode,
    batchId,
    ...(fusionModelVersion ? { fusionModelVersion } : {}),
  };
}

function studyIdOf(item: Record<string, unknown>): string | undefined {
  if (typeof item.studyId === 'string')
    return isStudyId(item.studyId.trim()) ? item.studyId.trim() : undefined;
  if (typeof item.Key === 'string') return studyIdOfManifestKey(item.Key);
  return undefined;
}
