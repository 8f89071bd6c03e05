import { batchKeys } from './outcome';
import { summarizeBatch, type BatchSummary, type BatchSummaryInput } from './summary';
import { trainingTable, trainingTableCsv } from './training-table';
import { trainingTableParquet } from './training-table-parquet';

/** What a finished batch leaves beside its outcomes: the training table and the summary. */
export const batchOutputKeys = {
  features: (batchId: string) => `${batchKeys.prefix(batchId)}features.csv`,
  featuresParquet: (batchId: string) => `${batchKeys.prefix(batchId)}features.parquet`,
  summary: (batchId: string) => `${batchKeys.prefix(batchId)}summary.json`,
};

export interface BatchOutputs {
  featuresCsv: string;
  /** The same table as Apache Parquet. */
  featuresParquet: Uint8Array;
  summary: BatchSummary;
}

/** The training table and the summary of one batch's outcomes (the same for the cloud and the local batch). */
export function batchOutputs(input: BatchSummaryInput): BatchOutputs {
  const table = trainingTable(input.outcomes);
  return {
    featuresCsv: trainingTableCsv(table),
    featuresParquet: trainingTableParquet(table),
    summary: summarizeBatch(input),
  };
}
