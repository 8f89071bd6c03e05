import { z } from 'zod';
import { batchKeys, batchOutcomeSchema, type BatchOutcome } from './outcome';

/** A file under a batch's outcomes prefix that is not an outcome of that batch, and why. */
export interface InvalidOutcome {
  key: string;
  reason: string;
}

export type ParsedOutcome = { ok: true; outcome: BatchOutcome } | { ok: false; invalid: InvalidOutcome };

/**
 * One stored outcome, checked: JSON, the outcome schema, and that it belongs where it lies
 * (`batches/{batchId}/studies/{studyId}.json` holds that batch's outcome of that study).
 */
export function parseBatchOutcome(batchId: string, key: string, text: string): ParsedOutcome {
  const invalid = (reason: string): ParsedOutcome => ({ ok: false, invalid: { key, reason } });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return invalid(`not JSON: ${(error as Error).message}`);
  }
  const parsed = batchOutcomeSchema.safeParse(json);
  if (!parsed.success) return invalid(`not a batch outcome: ${z.prettifyError(parsed.error)}`);
  const outcome = parsed.data;
  if (outcome.batchId !== batchId) return invalid(`the outcome of batch ${outcome.batchId}, not ${batchId}`);
  if (key !== batchKeys.outcome(batchId, outcome.studyId))
    return invalid(`the outcome of study ${outcome.studyId}, stored under another study's key`);
  return { ok: true, outcome };
}
