import { PRICE_TABLES, type PriceTable } from '../cost/prices';
import { GPU_SECONDS_PER_STUDY, studyUsage } from '../cost/usage';
import { DEFAULT_GPU_INSTANCE_TYPE } from '../pipeline/deployment-defaults';
import type { RunMode } from '../pipeline/run';
import { estimateBatchCost, type BatchCost } from './batch-cost';
import { batchIdentity } from './batch-identity';
import type { BatchOutcome } from './outcome';
import type { InvalidOutcome } from './parse-outcome';

/** An item that never became a run of the batch (a folder name that is not a study id, a refused listing). */
export interface RefusedItem {
  item: string;
  stage: string;
  code: string;
  message: string;
}

/**
 * Where the GPU seconds the cost is computed from come from. `measured`: the outcomes' inference time,
 * right for a GPU endpoint. `cost-model`: `sap cost`'s figure per study that ran inference, for a local
 * batch whose inference ran on CPU and says nothing of a GPU's time.
 */
export type GpuSecondsBasis = 'measured' | 'cost-model';

export interface BatchPricing {
  prices: PriceTable;
  instanceType: string;
  gpuSecondsBasis: GpuSecondsBasis;
}

/** The deployment's default endpoint instance (core/pipeline/deployment-defaults.ts), priced with the committed table. */
export const DEFAULT_BATCH_PRICING: BatchPricing = {
  prices: PRICE_TABLES['us-east-1']!,
  instanceType: DEFAULT_GPU_INSTANCE_TYPE,
  gpuSecondsBasis: 'measured',
};

export interface BatchSummaryInput {
  batchId: string;
  outcomes: readonly BatchOutcome[];
  invalidOutcomes?: readonly InvalidOutcome[];
  refusedItems?: readonly RefusedItem[];
  /** When the batch started, where the caller knows it. */
  startedAt?: string;
  pricing?: BatchPricing;
}

export interface FailedItem {
  /** The study id, or for a refused item the name it was listed under. */
  item: string;
  stage: string;
  code: string;
  message: string;
}

export interface BatchSummary {
  schemaVersion: 1;
  batchId: string;
  mode: RunMode | null;
  model: { name: string; version: string } | null;
  startedAt: string | null;
  /** The last outcome's time. */
  finishedAt: string | null;
  /** Refused items count as FAILED; invalid outcome files are counted apart. */
  counts: { total: number; COMPLETED: number; FAILED: number; invalidOutcomes: number };
  failures: {
    byCode: Record<string, number>;
    byStage: Record<string, Record<string, number>>;
    items: FailedItem[];
  };
  invalidOutcomes: InvalidOutcome[];
  /**
   * Per fusion input, how many completed studies lacked it (scored or tabled as missing); inputs no study
   * lacked are left out. Each study's outcome names its own (`missing`).
   */
  missingInputs: Record<string, number>;
  /** Inference time the completed studies' outcomes report (on CPU for a local batch). */
  gpuSeconds: number;
  cost: BatchCost & {
    region: string;
    pricesAsOf: string;
    instanceType: string;
    gpuSecondsBasis: GpuSecondsBasis;
    /** The GPU seconds the estimate charged. */
    gpuSecondsCharged: number;
    assumption: string;
  };
}

const COST_ASSUMPTION =
  'list prices; the GPU endpoint scales out of zero once for the batch and back in after its idle tail; ' +
  "each study runs its mode's functions and state transitions as `sap cost` models them; storage, " +
  'S3 requests, KMS and logs are not included';

const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Counts by key, keys in ordinal order (a stable document). */
function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of [...keys].sort(ordinal)) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/**
 * The batch summary: counts by status, failures by code and by stage (each failed item listed), the GPU
 * time and what the batch would cost in the cloud (core/batch/batch-cost.ts).
 */
export function summarizeBatch(input: BatchSummaryInput): BatchSummary {
  const { batchId, outcomes } = input;
  const pricing = input.pricing ?? DEFAULT_BATCH_PRICING;
  const { mode, model } = batchIdentity(outcomes);
  const completed = outcomes.filter((o) => o.status === 'COMPLETED');
  const failed: FailedItem[] = [
    ...outcomes.flatMap((o) =>
      o.status === 'FAILED' ? [{ item: o.studyId, stage: o.stage, code: o.code, message: o.message }] : [],
    ),
    ...(input.refusedItems ?? []),
  ].sort((a, b) => ordinal(a.item, b.item));
  const byStage: Record<string, Record<string, number>> = {};
  for (const stage of [...new Set(failed.map((f) => f.stage))].sort(ordinal))
    byStage[stage] = tally(failed.filter((f) => f.stage === stage).map((f) => f.code));

  const gpuSeconds = completed.reduce((sum, o) => sum + (o.inferenceSeconds ?? 0), 0);
  const inferred = completed.filter((o) => o.mode !== 'rescore').length;
  const gpuSecondsCharged =
    pricing.gpuSecondsBasis === 'measured' ? gpuSeconds : inferred * GPU_SECONDS_PER_STUDY;
  const cost = estimateBatchCost({
    mode: mode ?? 'score',
    studies: outcomes.length,
    gpuSeconds: gpuSecondsCharged,
    instanceType: pricing.instanceType,
    prices: pricing.prices,
    usage: studyUsage({ gpuSeconds: GPU_SECONDS_PER_STUDY, polls: 0 }),
  });
  const finished = outcomes.map((o) => o.finishedAt).sort(ordinal);
  const invalidOutcomes = [...(input.invalidOutcomes ?? [])].sort((a, b) => ordinal(a.key, b.key));
  return {
    schemaVersion: 1,
    batchId,
    mode,
    model,
    startedAt: input.startedAt ?? null,
    finishedAt: finished.at(-1) ?? null,
    counts: {
      total: completed.length + failed.length,
      COMPLETED: completed.length,
      FAILED: failed.length,
      invalidOutcomes: invalidOutcomes.length,
    },
    failures: { byCode: tally(failed.map((f) => f.code)), byStage, items: failed },
    invalidOutcomes,
    missingInputs: tally(completed.flatMap((o) => o.missing)),
    gpuSeconds,
    cost: {
      ...cost,
      region: pricing.prices.region,
      pricesAsOf: pricing.prices.asOf,
      instanceType: pricing.instanceType,
      gpuSecondsBasis: pricing.gpuSecondsBasis,
      gpuSecondsCharged,
      assumption: COST_ASSUMPTION,
    },
  };
}
