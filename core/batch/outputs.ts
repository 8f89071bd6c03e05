import { batchKeys } from './outcome';
import { summarizeBatch, type BatchSummary, type BatchSummaryInput } from './summary';
import { trainingTable, trainingTableCsv } from './training-table';

/** What a finished batch leaves beside its outcomes: the training table and the summary. */
export const batchOutputKeys = {
  features: (batchId: string) => `${batchKeys.prefix(batchId)}features.csv`,
  summary: (batchId: string) => `${batchKeys.prefix(batchId)}summary.json`,
};

export interface BatchOutputs {
  featuresCsv: string;
  summary: BatchSummary;
}

/** The training table and the summary of one batch's outcomes (the same for the cloud and the local batch). */
export function batchOutputs(input: BatchSummaryInput): BatchOutputs {
  return { featuresCsv: trainingTableCsv(trainingTable(input.outcomes)), summary: summarizeBatch(input) };
}
