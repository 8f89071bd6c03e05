/**
 * Wall time per stage of one study, finer than inference.json's timingsMs (whose keys are part of the
 * result's contract): the CPU stages around the networks and the networks themselves, for the logs and
 * the benchmarks (bench/cases/inference.ts, bench/gpu-inference.ts).
 */

/** The stages in the order a study passes them. `unet` and `resnet` are the networks alone. */
export const INFERENCE_STAGES = [
  'decode',
  'resample',
  'intensity',
  'unet',
  'blend',
  'resampleBack',
  'largestComponent',
  'cropResize',
  'resnet',
  'maskEncode',
] as const;

export type InferenceStage = (typeof INFERENCE_STAGES)[number];

/** The stages that run on the CPU whatever the execution provider: all but the two networks. */
export const CPU_STAGES: readonly InferenceStage[] = INFERENCE_STAGES.filter(
  (stage) => stage !== 'unet' && stage !== 'resnet',
);

export type StageTimings = Partial<Record<InferenceStage, number>>;

/** The process's CPU time (user + system, all its threads) in ms. */
function cpuNowMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Laps of one study: each `lap(stage)` adds the time since the previous lap to that stage, wall time in
 * `ms` and the process's CPU time in `cpuMs`. On a machine other processes share, CPU time is the steadier
 * measure of single-threaded stages: it leaves out the time the thread waited for a core.
 */
export class StageClock {
  readonly ms: StageTimings = {};
  readonly cpuMs: StageTimings = {};
  private last = performance.now();
  private lastCpu = cpuNowMs();

  lap(stage: InferenceStage): void {
    const now = performance.now();
    const cpu = cpuNowMs();
    this.ms[stage] = (this.ms[stage] ?? 0) + (now - this.last);
    this.cpuMs[stage] = (this.cpuMs[stage] ?? 0) + (cpu - this.lastCpu);
    this.last = now;
    this.lastCpu = cpu;
  }

  /** Starts the next lap now: the time since the last lap belongs to no stage. */
  restart(): void {
    this.last = performance.now();
    this.lastCpu = cpuNowMs();
  }
}

/** The sum of `stages` in `timings` (a missing stage counts 0). */
export function stageSum(timings: StageTimings, stages: readonly InferenceStage[]): number {
  return stages.reduce((sum, stage) => sum + (timings[stage] ?? 0), 0);
}
