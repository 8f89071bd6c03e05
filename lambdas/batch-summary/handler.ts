import { z } from 'zod';
import { BATCH_ID_PATTERN } from '../../core/batch/outcome';
import { batchOutputKeys, batchOutputs } from '../../core/batch/outputs';
import type { BatchSummary } from '../../core/batch/summary';
import { s3 } from '../shared/aws-clients';
import { logger } from '../shared/logger';
import { readBatchOutcomes, writeBatchOutputs } from './batch-store';
import { perInvocation } from '../shared/per-invocation';

const inputSchema = z.object({
  batchId: z.string().regex(BATCH_ID_PATTERN, 'batchId must be 1–64 of [A-Za-z0-9_-]'),
  bucket: z.string().min(3),
  /** The batch execution's start (`$$.Execution.StartTime`), recorded in the summary. */
  startedAt: z.iso.datetime({ offset: true }).optional(),
});

export type BatchSummaryEvent = z.input<typeof inputSchema>;

export interface BatchSummaryResult {
  batchId: string;
  counts: BatchSummary['counts'];
  features: string;
  featuresParquet: string;
  summary: string;
}

export const handler = perInvocation(summariseBatch);

/**
 * After a batch's map: reads every study outcome under batches/{batchId}/studies/ and writes the training
 * table (features.csv and features.parquet) and the summary (summary.json) beside them. A file that is not a valid outcome is
 * counted in the summary, not fatal.
 */
async function summariseBatch(input: BatchSummaryEvent): Promise<BatchSummaryResult> {
  const { batchId, bucket, startedAt } = inputSchema.parse(input);
  logger.appendKeys({ batchId });
  const stored = await readBatchOutcomes(s3, bucket, batchId);
  const outputs = batchOutputs({
    batchId,
    outcomes: stored.outcomes,
    invalidOutcomes: stored.invalid,
    startedAt,
  });
  await writeBatchOutputs(s3, bucket, batchId, outputs);
  const { counts } = outputs.summary;
  logger.info('batch summarised', { ...counts });
  return {
    batchId,
    counts,
    features: batchOutputKeys.features(batchId),
    featuresParquet: batchOutputKeys.featuresParquet(batchId),
    summary: batchOutputKeys.summary(batchId),
  };
}
