import { SCALE_TO_ZERO } from '../cost/gpu-uptime';
import type { PriceTable } from '../cost/prices';
import type { StudyUsage } from '../cost/usage';
import type { RunMode } from '../pipeline/run';
import { PIPELINE_STEPS, runsIn } from '../pipeline/steps';

export interface BatchCostInput {
  mode: RunMode;
  /** Studies that ran (completed or failed): each is charged its mode's functions and transitions. */
  studies: number;
  /** GPU seconds the batch's inference took. */
  gpuSeconds: number;
  instanceType: string;
  prices: PriceTable;
  /** The cost model's per-study use (core/cost/usage.ts). */
  usage: StudyUsage;
}

export interface BatchCost {
  usd: { gpu: number; lambda: number; stepFunctions: number; total: number };
  /** Total over the studies that ran; 0 for none. */
  usdPerStudy: number;
  /** The GPU endpoint's instance time charged: busy time plus one start and one idle tail. */
  instanceSeconds: number;
}

/**
 * What a batch costs at list prices, with `sap cost`'s model of a study (core/cost): the GPU endpoint
 * scales out of zero once for the batch, works through it and scales back in after its idle tail; each
 * study runs its mode's step functions (the batch item function sized as StartStudy, which it replaces)
 * and state transitions. Storage, S3 requests, KMS and logs are left out: they belong to keeping the
 * studies (monthly, `sap cost`), not to running the batch.
 */
export function estimateBatchCost(input: BatchCostInput): BatchCost {
  const { mode, studies, gpuSeconds, prices, usage } = input;
  const hourly = prices.sagemakerHourly[input.instanceType];
  if (hourly === undefined)
    throw new Error(
      `no ${prices.region} price for ${input.instanceType}; known: ${Object.keys(prices.sagemakerHourly).join(', ')}`,
    );
  const instanceSeconds =
    gpuSeconds > 0 ? gpuSeconds + SCALE_TO_ZERO.coldStartSeconds + SCALE_TO_ZERO.idleTailSeconds : 0;

  const steps = PIPELINE_STEPS.filter((step) => runsIn(step, mode)).map((step) => step.name as string);
  const infers = steps.includes('Infer');
  const functions = usage.lambdas.filter(
    (l) =>
      steps.includes(l.name) ||
      l.name === 'StartStudy' ||
      l.name === 'RecordFailure' ||
      (infers && l.name === 'InferenceCallback'),
  );
  const gbSeconds = functions.reduce((s, l) => s + (l.memoryMb / 1024) * l.seconds * l.invocations, 0);
  const invocations = functions.reduce((s, l) => s + l.invocations, 0);

  const gpu = (instanceSeconds / 3600) * hourly;
  const lambda =
    studies *
    (gbSeconds * prices.lambda.perGbSecondArm + (invocations / 1e6) * prices.lambda.perMillionRequests);
  const stepFunctions =
    ((studies * usage.stateTransitions) / 1000) * prices.stepFunctions.perThousandTransitions;
  const total = gpu + lambda + stepFunctions;
  return {
    usd: { gpu, lambda, stepFunctions, total },
    usdPerStudy: studies > 0 ? total / studies : 0,
    instanceSeconds,
  };
}
