import { CPU_INFERENCE } from '../pipeline/steps';
import type { InferenceTier } from '../pipeline/inference-tier';
import { estimateCost, type CostEstimate, type CostInput } from './estimate';
import { SCALE_TO_ZERO } from './gpu-uptime';
import { STEP_SECONDS, studyUsage } from './usage';

/** The settings both tiers share, and each tier's inference time per study. */
export interface TierComparisonInput extends Omit<CostInput, 'tier' | 'usage'> {
  gpuSecondsPerStudy: number;
  cpuSecondsPerStudy: number;
  /** Result polls per study through the API. */
  polls: number;
}

export interface TierTiming {
  /** Seconds from the upload's last file to the result, on average. */
  meanSeconds: number;
  /** The same for a study that finds no GPU instance running (GPU tier: the cold start included). */
  worstSeconds: number;
}

export interface TierOption {
  tier: InferenceTier;
  estimate: CostEstimate;
  timeToResult: TierTiming;
  /** Why the tier cannot run these studies, if it cannot. */
  unfit?: string;
}

export interface TierComparison {
  studiesPerDay: number;
  options: Record<InferenceTier, TierOption>;
  recommended: InferenceTier;
  /** The rule that chose it, in words. */
  reason: string;
}

/**
 * The CPU tier must finish a study with this share of its function's timeout to spare: a study larger than
 * the reference one takes longer, and one that runs out of time fails.
 */
export const CPU_TIMEOUT_HEADROOM = 0.25;
/** Costs within this share of each other count as equal; the faster tier is then recommended. */
export const COST_TIE = 0.05;

/** Validate, Radiomics and Fuse: the steps either tier runs besides inference. */
const OTHER_STEPS_SECONDS = STEP_SECONDS.Validate + STEP_SECONDS.Radiomics + STEP_SECONDS.Fuse;

/**
 * Both tiers priced with the same settings, each with its time to result, and the recommended one: the
 * cheaper per study of the tiers that can run the study (the CPU tier only while its inference leaves
 * CPU_TIMEOUT_HEADROOM of the function's timeout), the faster one when they cost within COST_TIE.
 */
export function compareTiers(input: TierComparisonInput): TierComparison {
  const { gpuSecondsPerStudy, cpuSecondsPerStudy, polls, ...shared } = input;
  const timing = input.timing ?? SCALE_TO_ZERO;
  const gpu = estimateCost({
    ...shared,
    tier: 'gpu',
    usage: studyUsage({ tier: 'gpu', gpuSeconds: gpuSecondsPerStudy, polls }),
  });
  const cpu = estimateCost({
    ...shared,
    tier: 'cpu',
    usage: studyUsage({ tier: 'cpu', gpuSeconds: 0, cpuSeconds: cpuSecondsPerStudy, polls }),
  });
  // A study waits for a cold start when it finds no instance: one per start, of the day's studies.
  const coldShare =
    gpu.coldStarts && input.studiesPerDay > 0 ? Math.min(1, gpu.coldStarts.perDay / input.studiesPerDay) : 0;
  const gpuBase = OTHER_STEPS_SECONDS + STEP_SECONDS.Infer + gpuSecondsPerStudy;
  const cpuBase = OTHER_STEPS_SECONDS + cpuSecondsPerStudy;
  const cpuLimit = CPU_INFERENCE.timeoutSeconds * (1 - CPU_TIMEOUT_HEADROOM);
  const options: Record<InferenceTier, TierOption> = {
    gpu: {
      tier: 'gpu',
      estimate: gpu,
      timeToResult: {
        meanSeconds: gpuBase + coldShare * timing.coldStartSeconds,
        worstSeconds: gpuBase + (input.scaleToZero ? timing.coldStartSeconds : 0),
      },
    },
    cpu: {
      tier: 'cpu',
      estimate: cpu,
      timeToResult: { meanSeconds: cpuBase, worstSeconds: cpuBase },
      ...(cpuSecondsPerStudy > cpuLimit
        ? {
            unfit: `${cpuSecondsPerStudy} s of CPU inference leaves less than ${CPU_TIMEOUT_HEADROOM * 100} % of the function's ${CPU_INFERENCE.timeoutSeconds} s timeout`,
          }
        : {}),
    },
  };
  return { studiesPerDay: input.studiesPerDay, options, ...recommend(options) };
}

function recommend(
  options: Record<InferenceTier, TierOption>,
): Pick<TierComparison, 'recommended' | 'reason'> {
  if (options.cpu.unfit)
    return { recommended: 'gpu', reason: `cpu cannot run these studies: ${options.cpu.unfit}` };
  const [cheap, dear] = [options.gpu, options.cpu].sort(
    (a, b) => a.estimate.perStudy - b.estimate.perStudy,
  ) as [TierOption, TierOption];
  if (dear.estimate.perStudy - cheap.estimate.perStudy <= COST_TIE * dear.estimate.perStudy) {
    const fast = cheap.timeToResult.meanSeconds <= dear.timeToResult.meanSeconds ? cheap : dear;
    return {
      recommended: fast.tier,
      reason: `both cost within ${COST_TIE * 100} % per study; ${fast.tier} gives the result sooner`,
    };
  }
  return {
    recommended: cheap.tier,
    reason: `${cheap.tier} costs less per study and both can run the studies`,
  };
}
