import type { CaughtError } from '../../../core/pipeline/failure';
import { modeOf, type StudyRun } from '../../../core/pipeline/run';
import { STALE_RUN } from '../../../core/pipeline/step-error';
import { DEFAULT_INFERENCE_TIER, type InferenceTier } from '../../../core/pipeline/inference-tier';
import {
  pipelineSteps,
  RECORD_FAILURE,
  runsIn,
  type StageName,
  type StepDefinition,
} from '../../../core/pipeline/steps';
import type { Invocation } from './lambda-invoke';
import {
  ALL_ERRORS,
  RECORD_FAILURE_RETRIER,
  matchesError,
  retryDelaySeconds,
  stepRetrier,
  type Retrier,
} from './retry';
import { asTaskFailure, stateDataLimit } from './service-limits';
import { delay, scaledTimeout, withTimeout } from './timers';

/** A task waiting for its token: SendTaskSuccess or SendTaskFailure settles `answer`. */
export interface OpenTask {
  token: string;
  answer: Promise<Invocation>;
  /** The task is over (answered, failed or timed out): a late answer gets TaskTimedOut. */
  close(): void;
}

export type ExecutionEvent =
  | { type: 'StepStarted'; stage: StageName; attempt: number }
  | { type: 'StepSucceeded'; stage: StageName }
  | { type: 'StepFailed'; stage: StageName; attempt: number; error: CaughtError; retryInSeconds?: number }
  | { type: 'FailureRecorded'; stage: StageName };

export type ExecutionOutcome =
  { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED'; error: string; cause?: string };

/** What an execution needs from the service that runs it. */
export interface ExecutionEnvironment {
  signal: AbortSignal;
  /** Multiplies every timeout and retry delay: 1 mirrors the deployed state machine. */
  timeScale: number;
  /** No scaled timeout is shorter than this (or than its deployed value, if that is shorter). Default 0. */
  minTimeoutSeconds?: number;
  invoke(handler: string, event: unknown, timeoutSeconds: number): Promise<Invocation>;
  openTask(): OpenTask;
  emit(event: ExecutionEvent): void;
  /** A step succeeded with this output (the next step's input): what a resumed execution starts from. */
  checkpoint?(stage: StageName, state: unknown): void;
  /** Awaited after a step succeeded, before the next starts: `event` is what its function was invoked with. */
  betweenSteps?(step: { stage: StageName; event: unknown; output: unknown }): Promise<void>;
  random?: () => number;
  /** Whose Infer step runs (core/pipeline/inference-tier.ts), as the deployed state machine's. Default gpu. */
  tier?: InferenceTier;
}

export { STATE_PAYLOAD_LIMIT_BYTES } from './service-limits';

/**
 * One execution of the pipeline, state for state as lib/constructs/pipeline-definition.ts builds it: each
 * step's output is the next step's input; a step is passed by in the modes it does not run in; `invoke` steps return their result, the `callback` step gets
 * `{taskToken, run}` and waits for the token; each step retries TRANSIENT errors with its policy and has
 * its timeout; any other failure is caught (ResultPath `$.caught`) and handed to the failure recorder,
 * whose answer ends the execution as Fail(error = code, cause = message). AWS's size limits apply
 * (./service-limits.ts): a failure's cause is cut at 32,768 characters, and a state's input or output over
 * 256 KiB ends the execution with States.DataLimitExceeded, which no Catch catches.
 */
export async function runExecution(
  input: StudyRun,
  env: ExecutionEnvironment,
  resumeAfter?: { stage: StageName; state: unknown },
): Promise<ExecutionOutcome> {
  let state: unknown = resumeAfter?.state ?? input;
  const steps = pipelineSteps(env.tier ?? DEFAULT_INFERENCE_TIER);
  const first = resumeAfter ? steps.findIndex((s) => s.name === resumeAfter.stage) + 1 : 0;
  for (const step of steps.slice(first)) {
    // Run{Step}?: the Choice that passes a step by in the modes it does not run in.
    if (!runsIn(step, modeOf(state as StudyRun))) continue;
    let event: unknown;
    const result = await runWithRetries(step.name, stepRetrier(step.retry), env, (attempt) => {
      env.emit({ type: 'StepStarted', stage: step.name, attempt });
      return attemptStep(step, state, env, (sent) => (event = sent));
    });
    if (result.ok) {
      const oversized = stateDataLimit(`output of ${step.name}`, result.payload);
      if (oversized) return failed(oversized);
      state = result.payload;
      env.checkpoint?.(step.name, state);
      env.emit({ type: 'StepSucceeded', stage: step.name });
      await env.betweenSteps?.({ stage: step.name, event, output: state });
      continue;
    }
    if (!matchesError([ALL_ERRORS], result.error.Error ?? '')) return failed(result.error);
    // The Catch's ResultPath $.caught adds the error to the state: that state, too, has the size limit.
    const caughtState = { ...(state as StudyRun), caught: result.error };
    const oversized = stateDataLimit(`state with the error ${step.name} caught`, caughtState);
    if (oversized) return failed(oversized);
    // RunSuperseded: Catch STALE_RUN (ResultPath $.caught) → Succeed.
    if (result.error.Error === STALE_RUN) return { status: 'SUCCEEDED', output: caughtState };
    return recordFailure(step.name, caughtState, env);
  }
  return { status: 'SUCCEEDED', output: state };
}

async function runWithRetries(
  stage: StageName,
  retrier: Retrier,
  env: ExecutionEnvironment,
  attempt: (attempt: number) => Promise<Invocation>,
): Promise<Invocation> {
  for (let n = 1; ; n++) {
    const answer = await attempt(n);
    if (answer.ok) return answer;
    const result = { ok: false as const, error: asTaskFailure(answer.error) };
    const retry = n <= retrier.maxAttempts && matchesError(retrier.errors, result.error.Error ?? '');
    const retryInSeconds = retry ? retryDelaySeconds(retrier, n, env.random) * env.timeScale : undefined;
    env.emit({ type: 'StepFailed', stage, attempt: n, error: result.error, retryInSeconds });
    if (retryInSeconds === undefined) return result;
    await delay(retryInSeconds, env.signal);
  }
}

const STATES_TIMEOUT: Invocation = { ok: false, error: { Error: 'States.Timeout' } };
const NEVER = new Promise<never>(() => undefined);

async function attemptStep(
  step: StepDefinition,
  input: unknown,
  env: ExecutionEnvironment,
  sent: (event: unknown) => void,
): Promise<Invocation> {
  const functionTimeout = scaledTimeout(step.timeoutSeconds, env.timeScale, env.minTimeoutSeconds);
  const stepTimeout = scaledTimeout(step.stepTimeoutSeconds, env.timeScale, env.minTimeoutSeconds);
  if (step.completion === 'invoke') {
    sent(input);
    const oversized = stateDataLimit(`input of ${step.name}`, input);
    if (oversized) return { ok: false, error: oversized };
    const result = await withTimeout(
      env.invoke(step.handler, input, functionTimeout),
      stepTimeout,
      env.signal,
    );
    return result.timedOut ? STATES_TIMEOUT : result.value;
  }
  // waitForTaskToken: the function's own failure fails the task; its success only means "started".
  const task = env.openTask();
  const event = { taskToken: task.token, run: input };
  sent(event);
  const oversized = stateDataLimit(`input of ${step.name}`, event);
  if (oversized) {
    task.close();
    return { ok: false, error: oversized };
  }
  try {
    const started = env
      .invoke(step.handler, event, functionTimeout)
      .then((invocation) => (invocation.ok ? NEVER : invocation));
    const result = await withTimeout(Promise.race([started, task.answer]), stepTimeout, env.signal);
    return result.timedOut ? STATES_TIMEOUT : result.value;
  } finally {
    task.close();
  }
}

/** Record{Stage}Failure: the failed step's input (the run, with what was caught), the stage and the caught error. */
async function recordFailure(
  stage: StageName,
  state: StudyRun & { caught: CaughtError },
  env: ExecutionEnvironment,
): Promise<ExecutionOutcome> {
  const payload = {
    stage,
    error: state.caught,
    run: state,
  };
  const oversized = stateDataLimit(`input of Record${stage}Failure`, payload);
  if (oversized) return failed(oversized);
  const result = await runWithRetries(stage, RECORD_FAILURE_RETRIER, env, () =>
    env.invoke(
      RECORD_FAILURE.handler,
      payload,
      scaledTimeout(RECORD_FAILURE.timeoutSeconds, env.timeScale, env.minTimeoutSeconds),
    ),
  );
  if (!result.ok) return failed(result.error);
  const recordedTooLarge = stateDataLimit(`output of Record${stage}Failure`, result.payload);
  if (recordedTooLarge) return failed(recordedTooLarge);
  env.emit({ type: 'FailureRecorded', stage });
  const failure = result.payload as { code?: unknown; message?: unknown } | null;
  if (typeof failure?.code !== 'string' || typeof failure.message !== 'string')
    return failed({ Error: 'States.Runtime', Cause: 'the failure recorder returned no code and message' });
  return { status: 'FAILED', error: failure.code, cause: failure.message };
}

/** An execution's failure keeps the same 32,768 characters of cause as a task's. */
function failed(error: CaughtError): ExecutionOutcome {
  const kept = asTaskFailure(error);
  return { status: 'FAILED', error: kept.Error ?? 'States.Runtime', cause: kept.Cause };
}
