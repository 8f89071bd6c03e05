import { FUNCTIONS } from '../pipeline/functions';
import type { InferenceTier } from '../pipeline/inference-tier';
import { pipelineSteps, type StageName } from '../pipeline/steps';

/** One Lambda's share of a study: its memory (from its definition, core/pipeline/functions.ts) and how long it runs. */
export interface LambdaUse {
  name: string;
  memoryMb: number;
  seconds: number;
  invocations: number;
}

/** What one 512×512×300 CT study uses, stage by stage; the figures the cost model multiplies by prices. */
export interface StudyUsage {
  lambdas: LambdaUse[];
  /** GPU instance time the U-Net + ResNet50 occupy, S3 transfer and preprocessing included. */
  gpuSeconds: number;
  stateTransitions: number;
  s3Puts: number;
  s3Gets: number;
  /** Originals kept (a DICOM series of 300 slices) and the derived artifacts, GB. */
  originalsGb: number;
  /** Objects of the originals that a lifecycle transition moves (128 KB or more: the slices). */
  originalsObjects: number;
  workGb: number;
  dynamoWrites: number;
  dynamoReads: number;
  kmsRequests: number;
  apiRequests: number;
  logGb: number;
}

/**
 * Wall time per step for a 512×512×300 study, seconds. Validate, Radiomics and Fuse: `npm run bench` on a
 * 2-core x86 machine (DICOM validation ~2 s, gzip write ~3 s, radiomics of the pancreas < 1 s after
 * a ~2 s volume read), rounded up for S3 transfer inside the region; Infer only starts the endpoint.
 */
export const STEP_SECONDS: Readonly<Record<StageName, number>> = {
  Validate: 6,
  Infer: 0.5,
  Radiomics: 4,
  Fuse: 2,
};

const MB = 1 / 1024;

/** GPU seconds of one 512×512×300 study on an A10G: volume read, U-Net sliding window, ResNet50, mask write. */
export const GPU_SECONDS_PER_STUDY = 10;

/**
 * GPU seconds of the same study per instance type. The A10G figure is GPU_SECONDS_PER_STUDY; the others
 * scale it by memory bandwidth (3D convolutions at batch 1 are bandwidth-bound): T4 320 GB/s and L4
 * 300 GB/s against the A10G's 600 GB/s, rounded up. Estimates, not measurements.
 */
export const GPU_SECONDS_BY_INSTANCE: Readonly<Record<string, number>> = {
  'ml.g5.xlarge': GPU_SECONDS_PER_STUDY,
  'ml.g5.2xlarge': GPU_SECONDS_PER_STUDY,
  'ml.g4dn.xlarge': 19,
  'ml.g4dn.2xlarge': 19,
  'ml.g6.xlarge': 20,
};

/** GPU seconds per study on `instanceType`; the A10G figure for a type not listed. */
export const gpuSecondsPerStudy = (instanceType: string): number =>
  GPU_SECONDS_BY_INSTANCE[instanceType] ?? GPU_SECONDS_PER_STUDY;

/**
 * Seconds the CPU tier's function (CPU_INFERENCE, core/pipeline/steps.ts: 10,240 MB, 6 vCPUs) runs on one
 * 512×512×300 study, from `npm run bench -- inference-cpu` (2-core x86 here, 2026-12-06), extrapolated to 6
 * vCPUs by Amdahl's law fitted to 1 and 2 threads with a vCPU counted as a hyperthread (bench/cpu-scaling.ts),
 * plus ~5 s to read and decode the volume and encode and write the mask:
 * - `demo`: the bundled demo models, 2.0 s estimated (3.9 s on 1 thread, 2.5 s on 2, measured end to end);
 * - `realistic`: a 31.2 M-parameter nnU-Net at 1.5 mm (36 patches of 128³) and a full-width ResNet50,
 *   105–133 s estimated over runs (241 s on 1 thread): the upper end, rounded up.
 */
export const CPU_INFERENCE_SECONDS_PER_STUDY = { demo: 8, realistic: 140 } as const;
export type CpuModelSize = keyof typeof CPU_INFERENCE_SECONDS_PER_STUDY;

export interface UsageOptions {
  /** Which tier runs inference (default gpu). */
  tier?: InferenceTier;
  /** GPU tier: GPU seconds per study. */
  gpuSeconds: number;
  /** CPU tier: seconds the CPU function runs per study. */
  cpuSeconds?: number;
  polls: number;
}

/**
 * The Lambda functions one study runs on `tier`: the GPU tier's Infer queues the study and a callback
 * resumes the run; the CPU tier's Infer is the CPU function (its model download, once per container, is
 * not counted).
 */
function tierLambdas(tier: InferenceTier, cpuSeconds: number): LambdaUse[] {
  const steps: LambdaUse[] = pipelineSteps(tier).map((step) => {
    const cpuInfer = tier === 'cpu' && step.name === 'Infer';
    return {
      name: step.name,
      memoryMb: cpuInfer ? FUNCTIONS.InferCpu.memoryMb : FUNCTIONS[step.name].memoryMb,
      seconds: cpuInfer ? cpuSeconds : STEP_SECONDS[step.name],
      invocations: 1,
    };
  });
  if (tier === 'cpu') return steps;
  return [
    ...steps,
    {
      name: 'InferenceCallback',
      memoryMb: FUNCTIONS.InferenceCallback.memoryMb,
      seconds: 0.3,
      invocations: 1,
    },
  ];
}

export function studyUsage(options: UsageOptions): StudyUsage {
  const tier = options.tier ?? 'gpu';
  const api = options.polls + 1;
  return {
    lambdas: [
      { name: 'StartStudy', memoryMb: FUNCTIONS.StartStudy.memoryMb, seconds: 0.3, invocations: 1 },
      ...tierLambdas(tier, options.cpuSeconds ?? CPU_INFERENCE_SECONDS_PER_STUDY.demo),
      { name: 'ResultsApi', memoryMb: FUNCTIONS.Api.memoryMb, seconds: 0.1, invocations: api },
      // The failure recorder runs only for failed studies: counted at its size for a few per hundred.
      { name: 'RecordFailure', memoryMb: FUNCTIONS.RecordFailure.memoryMb, seconds: 0.3, invocations: 0.05 },
    ],
    gpuSeconds: tier === 'gpu' ? options.gpuSeconds : 0,
    // Start, four tasks, the end state, plus the GPU callback's wait.
    stateTransitions: tier === 'gpu' ? 7 : 6,
    // 300 slices + clinical + manifest uploaded; volume, clinical, request, mask, inference, radiomics,
    // explanation, report written.
    s3Puts: 302 + 8,
    // Validate reads the upload; each later step reads what the step before wrote.
    s3Gets: 302 + 12,
    originalsGb: 160 * MB,
    originalsObjects: 300,
    workGb: 70 * MB,
    dynamoWrites: 12,
    dynamoReads: 6 + api,
    kmsRequests: 40,
    apiRequests: api,
    logGb: 0.2 * MB,
  };
}
