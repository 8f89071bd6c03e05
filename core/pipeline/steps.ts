import type { StudyStatus } from '../study/status';
import { ASYNC_INFERENCE_LIFETIME_SECONDS } from './async-inference';
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

export const PIPELINE_STEPS: readonly StepDefinition[] = [
  {
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
  },
  {
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
  },
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
 * The state machine's timeout: every step that runs at its limit on its first attempt and every retry
 * (MaxAttempts counts retries), the longest retry delays, then the failure recorder's own retries. A run
 * still retrying is never cut off before its failure is recorded.
 */
export const EXECUTION_TIMEOUT_SECONDS =
  PIPELINE_STEPS.reduce(
    (sum, s) => sum + s.stepTimeoutSeconds * (s.retry.maxAttempts + 1) + longestRetryDelays(s.retry),
    0,
  ) +
  RECORD_FAILURE.timeoutSeconds * (RECORD_FAILURE.retry.maxAttempts + 1) +
  longestRetryDelays(RECORD_FAILURE.retry);
