import { FUNCTIONS } from '../pipeline/functions';
import { PIPELINE_STEPS, type StageName } from '../pipeline/steps';

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
const STEP_SECONDS: Record<StageName, number> = { Validate: 6, Infer: 0.5, Radiomics: 4, Fuse: 2 };

const MB = 1 / 1024;

/** GPU seconds of one 512×512×300 study on an A10G: volume read, U-Net sliding window, ResNet50, mask write. */
export const GPU_SECONDS_PER_STUDY = 10;

export function studyUsage(options: { gpuSeconds: number; polls: number }): StudyUsage {
  const steps: LambdaUse[] = PIPELINE_STEPS.map((step) => ({
    name: step.name,
    memoryMb: FUNCTIONS[step.name].memoryMb,
    seconds: STEP_SECONDS[step.name],
    invocations: 1,
  }));
  const api = options.polls + 1;
  return {
    lambdas: [
      { name: 'StartStudy', memoryMb: FUNCTIONS.StartStudy.memoryMb, seconds: 0.3, invocations: 1 },
      ...steps,
      {
        name: 'InferenceCallback',
        memoryMb: FUNCTIONS.InferenceCallback.memoryMb,
        seconds: 0.3,
        invocations: 1,
      },
      { name: 'ResultsApi', memoryMb: FUNCTIONS.Api.memoryMb, seconds: 0.1, invocations: api },
      // The failure recorder runs only for failed studies: counted at its size for a few per hundred.
      { name: 'RecordFailure', memoryMb: FUNCTIONS.RecordFailure.memoryMb, seconds: 0.3, invocations: 0.05 },
    ],
    gpuSeconds: options.gpuSeconds,
    // Start, four tasks, the end state, plus the callback's wait.
    stateTransitions: 7,
    // 300 slices + clinical + manifest uploaded; volume, clinical, request, mask, inference, radiomics,
    // explanation, report written.
    s3Puts: 302 + 8,
    // Validate reads the upload; each later step reads what the step before wrote.
    s3Gets: 302 + 12,
    originalsGb: 160 * MB,
    workGb: 70 * MB,
    dynamoWrites: 12,
    dynamoReads: 6 + api,
    kmsRequests: 40,
    apiRequests: api,
    logGb: 0.2 * MB,
  };
}
