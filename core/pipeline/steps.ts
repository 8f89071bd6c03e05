import type { StudyStatus } from '../study/status';
import { ASYNC_INFERENCE_LIFETIME_SECONDS } from './async-inference';
import { INFERENCE_TIERS, type InferenceTier } from './inference-tier';
import { RUN_MODES, type RunMode } from './run';

/**
 * The one definition of the pipeline: the CDK state machine and the local runner are both built from it,
 * so their order, handlers, retries and timeouts cannot drift apart.
 */
export type StageName = 'Validate' | 'Infer' | 'Radiomics' | 'Fuse';

export interface RetryPolicy {
  maxAttempts: number;
  intervalSeconds: number;
  backoffRate: number;
  maxDelaySeconds: number;
}

export interface LambdaSizing {
  /** Handler module, relative to the repository root; it exports `handler`. */
  handler: string;
  memoryMb: number;
  timeoutSeconds: number;
}

export interface StepDefinition extends LambdaSizing {
  name: StageName;
  /** Status of the study while this step runs. */
  status: StudyStatus;
  /**
   * `invoke`: the handler's return value is the step's result.
   * `callback`: the handler starts work elsewhere and the result arrives later with the task token.
   */
  completion: 'invoke' | 'callback';
  /** Limit on the whole step, the wait for a callback included. */
  stepTimeoutSeconds: number;
  retry: RetryPolicy;
  /** The run modes this step runs in; a run of another mode passes it by. */
  modes: readonly RunMode[];
}

const TRANSIENT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  intervalSeconds: 2,
  backoffRate: 2,
  maxDelaySeconds: 30,
};

/** The Infer Lambda only writes the request and queues it. */
const INFER_LAMBDA_TIMEOUT_SECONDS = 30;

/** The steps that compute a study's inputs: a rescore reuses what they kept. */
const COMPUTING_MODES: readonly RunMode[] = ['score', 'features'];

/**
 * Memory of the steps that read the whole CT volume and its mask (Radiomics, Fuse), MB. New accounts may
 * not exceed 3,008 MB per function until Lambda's quota is raised
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). With the margin of the
 * estimate (core/imaging/volume-memory.ts) both accept about 800 slices of 512×512 and refuse larger
 * studies with STUDY_TOO_LARGE; `-c imageMemoryMb` raises both (lib/config.ts).
 */
export const VOLUME_STEP_MEMORY_MB = 3008;
/** The steps that read the whole volume and mask, whose memory `-c imageMemoryMb` sets. */
export const VOLUME_STEPS: readonly StageName[] = ['Radiomics', 'Fuse'];

const VALIDATE_STEP: StepDefinition = {
  name: 'Validate',
  handler: 'lambdas/validate/handler.ts',
  status: 'VALIDATING',
  completion: 'invoke',
  // A 512×512×600 CT is 300 MB as int16 and arrives compressed: room to decode and re-encode it.
  memoryMb: 3008,
  timeoutSeconds: 300,
  stepTimeoutSeconds: 360,
  retry: TRANSIENT_RETRY,
  modes: COMPUTING_MODES,
};

/** Infer on the GPU tier: queues the study on the SageMaker asynchronous endpoint and waits for its callback. */
const GPU_INFER_STEP: StepDefinition = {
  name: 'Infer',
  handler: 'lambdas/infer/handler.ts',
  status: 'INFERRING',
  completion: 'callback',
  memoryMb: 256,
  timeoutSeconds: INFER_LAMBDA_TIMEOUT_SECONDS,
  // The Lambda queues the request, which then lives at most its TTL plus its invocation timeout
  // (async-inference.ts): the step waits exactly that long, so no request outlives the step.
  stepTimeoutSeconds: INFER_LAMBDA_TIMEOUT_SECONDS + ASYNC_INFERENCE_LIFETIME_SECONDS,
  retry: TRANSIENT_RETRY,
  modes: COMPUTING_MODES,
};

/**
 * The CPU tier's inference function: the same core/inference code on onnxruntime-node's CPU build, in
 * Lambda. 10,240 MB is Lambda's largest memory size and brings its most CPU, 6 vCPUs; 900 s is its
 * longest timeout (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html). The cost model reads its
 * memory and timeout from here.
 */
export const CPU_INFERENCE: LambdaSizing = {
  handler: 'lambdas/infer-cpu/handler.ts',
  memoryMb: 10_240,
  timeoutSeconds: 900,
};

/**
 * /tmp of the CPU tier's function, MB: the U-Net and ResNet50 files it downloads (a full-width 3D ResNet50
 * is about 200 MB as ONNX) with room for larger models. Lambda allows 512 to 10,240 MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html).
 */
export const CPU_INFERENCE_EPHEMERAL_STORAGE_MB = 2048;

/** Infer on the CPU tier: the function runs both networks itself and its return value is the step's result. */
const CPU_INFER_STEP: StepDefinition = {
  name: 'Infer',
  ...CPU_INFERENCE,
  status: 'INFERRING',
  completion: 'invoke',
  // A minute over the function's own timeout: Lambda's Sandbox.Timedout, not the step's, ends a slow run.
  stepTimeoutSeconds: CPU_INFERENCE.timeoutSeconds + 60,
  retry: TRANSIENT_RETRY,
  modes: COMPUTING_MODES,
};

const AFTER_INFER_STEPS: readonly StepDefinition[] = [
  {
    name: 'Radiomics',
    handler: 'lambdas/radiomics/handler.ts',
    status: 'EXTRACTING',
    completion: 'invoke',
    // A 512×512×300 study with a pancreas mask peaked at 951 MiB resident (`npm run bench radiomics-lambda`).
    memoryMb: VOLUME_STEP_MEMORY_MB,
    timeoutSeconds: 600,
    stepTimeoutSeconds: 660,
    retry: TRANSIENT_RETRY,
    modes: COMPUTING_MODES,
  },
  {
    name: 'Fuse',
    handler: 'lambdas/fuse/handler.ts',
    status: 'SCORING',
    completion: 'invoke',
    // The report reads the volume and mask: a 512×512×300 study peaked at 870 MB in Node (int16 volume,
    // the mask reader's float32 copy, the gzip bytes), as Radiomics does.
    memoryMb: VOLUME_STEP_MEMORY_MB,
    timeoutSeconds: 120,
    stepTimeoutSeconds: 180,
    retry: TRANSIENT_RETRY,
    modes: RUN_MODES,
  },
];

/** The pipeline's steps on an inference tier (core/pipeline/inference-tier.ts): only Infer differs. */
export function pipelineSteps(tier: InferenceTier): readonly StepDefinition[] {
  return [VALIDATE_STEP, tier === 'cpu' ? CPU_INFER_STEP : GPU_INFER_STEP, ...AFTER_INFER_STEPS];
}

/** The steps of the default (GPU) tier. */
export const PIPELINE_STEPS: readonly StepDefinition[] = pipelineSteps('gpu');

/** Whether `step` runs in a run of `mode`. */
export const runsIn = (step: StepDefinition, mode: RunMode): boolean => step.modes.includes(mode);

/** Records a caught failure on the study (FAILED + `rejected/{id}/reason.json`); runs after any step's Catch. */
export const RECORD_FAILURE: LambdaSizing & { retry: Omit<RetryPolicy, 'maxDelaySeconds'> } = {
  handler: 'lambdas/record-failure/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 30,
  // Recording the failure must not itself be lost to a passing fault: it retries whatever went wrong.
  retry: { maxAttempts: 6, intervalSeconds: 2, backoffRate: 2 },
};

/** The longest the retry delays of one task can add up to (each at most interval × rate^(n−1), capped). */
function longestRetryDelays(
  retry: Omit<RetryPolicy, 'maxDelaySeconds'> & { maxDelaySeconds?: number },
): number {
  let total = 0;
  for (let n = 1; n <= retry.maxAttempts; n++)
    total += Math.min(
      retry.intervalSeconds * retry.backoffRate ** (n - 1),
      retry.maxDelaySeconds ?? Infinity,
    );
  return total;
}

/**
 * An execution's longest life on these steps: every step that runs at its limit on its first attempt and every retry
 * (MaxAttempts counts retries), the longest retry delays, then the failure recorder's own retries. A run
 * still retrying is never cut off before its failure is recorded.
 */
function executionTimeoutSeconds(steps: readonly StepDefinition[]): number {
  return (
    steps.reduce(
      (sum, s) => sum + s.stepTimeoutSeconds * (s.retry.maxAttempts + 1) + longestRetryDelays(s.retry),
      0,
    ) +
    RECORD_FAILURE.timeoutSeconds * (RECORD_FAILURE.retry.maxAttempts + 1) +
    longestRetryDelays(RECORD_FAILURE.retry)
  );
}

/** The state machine's timeout, long enough for either tier's steps. */
export const EXECUTION_TIMEOUT_SECONDS = Math.max(
  ...INFERENCE_TIERS.map((tier) => executionTimeoutSeconds(pipelineSteps(tier))),
);
