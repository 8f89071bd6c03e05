import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { batchKeys, type BatchOutcome } from '../../core/batch/outcome';
import { batchOutputKeys, type BatchOutputs } from '../../core/batch/outputs';
import { parseBatchOutcome, type InvalidOutcome } from '../../core/batch/parse-outcome';
import { mapLimited } from '../../core/async/map-limited';

/** Outcome files read at once: enough to hide S3 latency over thousands of small objects. */
const READ_CONCURRENCY = 32;

export interface StoredOutcomes {
  outcomes: BatchOutcome[];
  /** Files under the outcomes prefix that are not outcomes of the batch: counted, never fatal. */
  invalid: InvalidOutcome[];
}

/**
 * Every outcome under batches/{batchId}/studies/, page after page, each checked. The S3 client is the
 * caller's: the Lambda's own, or the local batch's client of the local S3 endpoint.
 */
export async function readBatchOutcomes(
  s3: S3Client,
  bucket: string,
  batchId: string,
): Promise<StoredOutcomes> {
  const keys = await listKeys(s3, bucket, batchKeys.outcomesPrefix(batchId));
  const parsed = await mapLimited(keys, READ_CONCURRENCY, async (key) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return parseBatchOutcome(batchId, key, (await object.Body?.transformToString('utf-8')) ?? '');
  });
  return {
    outcomes: parsed.flatMap((p) => (p.ok ? [p.outcome] : [])),
    invalid: parsed.flatMap((p) => (p.ok ? [] : [p.invalid])),
  };
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const { Key } of page.Contents ?? []) if (Key) keys.push(Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Writes batches/{batchId}/features.csv, features.parquet and summary.json. */
export async function writeBatchOutputs(
  s3: S3Client,
  bucket: string,
  batchId: string,
  outputs: BatchOutputs,
): Promise<void> {
  await Promise.all([
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: batchOutputKeys.features(batchId),
        Body: outputs.featuresCsv,
        ContentType: 'text/csv; charset=utf-8; header=present',
      }),
    ),
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: batchOutputKeys.featuresParquet(batchId),
        Body: outputs.featuresParquet,
        ContentType: 'application/vnd.apache.parquet',
      }),
    ),
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: batchOutputKeys.summary(batchId),
        Body: JSON.stringify(outputs.summary, null, 2),
        ContentType: 'application/json',
      }),
    ),
  ]);
}
