import { z } from 'zod';
import { MODEL_VERSION_PATTERN } from '../study/model-keys';
import { RUN_MODES } from './run';

/**
 * The input of one execution of the batch state machine (lib/constructs/batch-workflow.ts); the execution's
 * name is the batch id. Absent settings take the deployment's defaults.
 */
export const batchExecutionInputSchema = z.object({
  /** Where the item list is: a CSV with a `studyId` header (`….csv`) or a JSON array of `{studyId}` (`….json`). */
  itemList: z.object({ bucket: z.string().min(3), key: z.string().regex(/\.(csv|json)$/) }),
  mode: z.enum(RUN_MODES).optional(),
  fusionModelVersion: z.string().regex(MODEL_VERSION_PATTERN).optional(),
  maxConcurrency: z.number().int().min(1).max(10_000).optional(),
  toleratedFailurePercentage: z.number().min(0).max(100).optional(),
});
export type BatchExecutionInput = z.infer<typeof batchExecutionInputSchema>;

/** The header of a CSV item list: one study id a row. */
export const ITEM_LIST_CSV_HEADER = 'studyId';

/** Every batch keeps its files under `batches/{batchId}/` (core/batch/outcome.ts, batchKeys). */
export const BATCHES_PREFIX = 'batches/';

/** Where a batch's item list and the Distributed Map's own results are, beside its outcomes (core/batch/outcome.ts). */
export const batchRunKeys = {
  itemListCsv: (batchId: string) => `batches/${batchId}/items.csv`,
  /** The Map's ResultWriter appends `/{mapRunId}/` and its files. */
  mapResults: (batchId: string) => `batches/${batchId}/map`,
};

/** Items of a batch that may fail before the batch itself fails: bad studies are expected in a cohort. */
export const DEFAULT_TOLERATED_FAILURE_PERCENTAGE = 10;

/**
 * Studies of a batch in flight at once, unless the batch says otherwise: twice the endpoint's concurrent
 * invocations, so that while one study holds each GPU slot another is in Validate, Radiomics or Fuse on
 * Lambda, without a queue on the endpoint or thousands of 3–4 GB Lambda runs at once.
 */
export function defaultBatchConcurrency(endpoint: {
  maxInstances: number;
  maxConcurrentInvocationsPerInstance: number;
}): number {
  return endpoint.maxInstances * endpoint.maxConcurrentInvocationsPerInstance * 2;
}
