import { z } from 'zod';
import { RUN_MODES } from '../pipeline/run';
import { STUDY_ID_PATTERN } from '../study/study-id';

/** A batch id names a Step Functions execution and an S3 prefix: the same rule as a study id. */
export const BATCH_ID_PATTERN = STUDY_ID_PATTERN;

/** Where a batch keeps what it produced (the batch state machine's ResultWriter writes under it too). */
export const batchKeys = {
  prefix: (batchId: string) => `batches/${batchId}/`,
  /** One study's outcome in the batch, written by Fuse or by the failure recorder. */
  outcome: (batchId: string, studyId: string) => `batches/${batchId}/studies/${studyId}.json`,
  outcomesPrefix: (batchId: string) => `batches/${batchId}/studies/`,
};

const common = {
  studyId: z.string().regex(STUDY_ID_PATTERN),
  batchId: z.string().regex(BATCH_ID_PATTERN),
  mode: z.enum(RUN_MODES),
  finishedAt: z.iso.datetime(),
};

/**
 * One study's outcome in a batch. A completed `features` run carries the fusion model's input vector
 * (name → value, null where the study lacks it), exactly as Fuse would score it; a completed `score` or
 * `rescore` run also carries the probability. A failed run carries the stage, code and message.
 */
export const batchOutcomeSchema = z.discriminatedUnion('status', [
  z.object({
    ...common,
    status: z.literal('COMPLETED'),
    manifestVersion: z.string().min(1),
    model: z.object({ name: z.string(), version: z.string() }),
    features: z.record(z.string(), z.number().nullable()),
    missing: z.array(z.string()),
    probability: z.number().min(0).max(1).optional(),
    riskLevel: z.string().optional(),
    /**
     * The classic scores the model is compared with (core/scores COMPARED_SCORES), null where not computable.
     * Absent in outcomes written before Fuse recorded them.
     */
    classicScores: z.record(z.string(), z.number().nullable()).optional(),
    /** Seconds the inference endpoint spent on this study (absent in a rescore: no GPU time). */
    inferenceSeconds: z.number().min(0).optional(),
  }),
  z.object({
    ...common,
    status: z.literal('FAILED'),
    /** Absent when the study's manifest could not be found. */
    manifestVersion: z.string().min(1).optional(),
    stage: z.string(),
    code: z.string(),
    message: z.string(),
  }),
]);

export type BatchOutcome = z.infer<typeof batchOutcomeSchema>;
