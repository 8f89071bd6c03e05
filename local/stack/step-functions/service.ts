import { setMaxListeners } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import type { InferenceTier } from '../../../core/pipeline/inference-tier';
import type { StudyRun } from '../../../core/pipeline/run';
import { EXECUTION_TIMEOUT_SECONDS, type StageName } from '../../../core/pipeline/steps';
import {
  STATE_PAYLOAD_LIMIT_BYTES,
  runExecution,
  type ExecutionEvent,
  type ExecutionOutcome,
  type OpenTask,
} from './execution';
import type { ExecutionJournal, JournaledExecution } from './journal';
import type { Invocation } from './lambda-invoke';
import { scaledTimeout } from './timers';

/** An error Step Functions answers with: its type is what the SDK turns into an exception class. */
export class StepFunctionsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
}

/** What listeners hear: an execution's steps, its start and its end. */
export type RunnerEvent =
  | (ExecutionEvent & { execution: string; studyId: string; at: Date })
  | { type: 'ExecutionStarted'; execution: string; studyId: string; at: Date; resumedAfter?: string }
  | { type: 'ExecutionInterrupted'; execution: string; studyId: string; at: Date }
  | { type: 'ExecutionEnded'; execution: string; studyId: string; at: Date; record: ExecutionRecord };

export interface LocalStepFunctionsOptions {
  stateMachineArn: string;
  /** Calls a handler module as Lambda would. */
  invoke(handler: string, event: unknown, timeoutSeconds: number, signal: AbortSignal): Promise<Invocation>;
  /** Multiplies every timeout and retry delay. Default 1 (the deployed values). */
  timeScale?: number;
  /** Floor of the scaled timeouts (see scaledTimeout). Default 0. */
  minTimeoutSeconds?: number;
  /** The inference tier whose steps the state machine runs. Default gpu. */
  tier?: InferenceTier;
  /** Keeps executions across restarts; without it they live as long as the process. */
  journal?: ExecutionJournal;
  /** Awaited between two steps of an execution (the local stack's fault switch tampers there). */
  betweenSteps?(step: {
    stage: StageName;
    execution: string;
    event: unknown;
    output: unknown;
  }): Promise<void>;
}

interface Waiting {
  settle(answer: Invocation): void;
}

/**
 * The part of Step Functions the pipeline uses, for one state machine: StartExecution (a name runs once:
 * the same name and input while running returns the running execution, anything else is
 * ExecutionAlreadyExists), DescribeExecution, and the task-token calls that complete the Infer step.
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, Waiting>();
  /** Tokens of tasks that are over: a late answer is TaskTimedOut, not InvalidToken. */
  private readonly spentTokens = new Set<string>();
  private readonly listeners = new Set<(event: RunnerEvent) => void>();
  private readonly stopping = new AbortController();
  private readonly timeScale: number;

  /** Executions a previous process left unfinished, waiting for resumeInterrupted(). */
  private readonly interrupted: JournaledExecution[] = [];

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.timeScale = options.timeScale ?? 1;
    // Every execution in flight listens for the stop: a loaded stack runs dozens at once.
    setMaxListeners(0, this.stopping.signal);
    for (const journaled of options.journal?.load() ?? []) {
      const record: ExecutionRecord = {
        executionArn: this.executionArn(journaled.name),
        name: journaled.name,
        input: journaled.input,
        status: 'RUNNING',
        startDate: journaled.startDate,
      };
      if (journaled.ended) {
        const { status, output, error, cause, at } = journaled.ended;
        Object.assign(record, { status, output, error, cause, stopDate: new Date(at) });
      } else this.interrupted.push(journaled);
      this.executions.set(journaled.name, record);
    }
  }

  /**
   * Runs on what a previous process left unfinished, each from the step after its last finished one (a
   * step re-entered is idempotent). Call once the functions' endpoints are up. Returns their names.
   */
  resumeInterrupted(): string[] {
    const names = this.interrupted.map((journaled) => {
      const record = this.executions.get(journaled.name)!;
      this.launch(record, JSON.parse(journaled.input) as StudyRun, journaled.checkpoint);
      return journaled.name;
    });
    this.interrupted.length = 0;
    return names;
  }

  startExecution(request: { stateMachineArn?: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    if (request.stateMachineArn !== this.options.stateMachineArn)
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${request.stateMachineArn}'`,
      );
    const name = request.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    let run: StudyRun;
    try {
      run = JSON.parse(input) as StudyRun;
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid execution input: not JSON');
    }
    if (Buffer.byteLength(input) > STATE_PAYLOAD_LIMIT_BYTES)
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid execution input: over 256 KB');
    const existing = this.executions.get(name);
    if (existing) {
      // Standard workflows: idempotent for the same name and input while running.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new StepFunctionsError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${existing.executionArn}'`,
      );
    }
    const record: ExecutionRecord = {
      executionArn: this.executionArn(name),
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
    };
    this.executions.set(name, record);
    this.options.journal?.append({ type: 'started', name, input, at: record.startDate.toISOString() });
    this.launch(record, run);
    return record;
  }

  describeExecution(executionArn: string): ExecutionRecord {
    const record = [...this.executions.values()].find((e) => e.executionArn === executionArn);
    if (!record)
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  listExecutions(): ExecutionRecord[] {
    return [...this.executions.values()];
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid output: not JSON');
    }
    this.answer(taskToken, { ok: true, payload: parsed });
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.answer(taskToken, { ok: false, error: { Error: error, Cause: cause } });
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.waitingTask(taskToken);
  }

  onEvent(listener: (event: RunnerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether an execution is running in this process. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Resolves once no execution is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Stops every running execution where it is (ABORTED); their functions' calls run on unobserved. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running.values());
  }

  private launch(
    record: ExecutionRecord,
    run: StudyRun,
    resumeAfter?: JournaledExecution['checkpoint'],
  ): void {
    const done = this.execute(record, run, resumeAfter).finally(() => this.running.delete(record.name));
    this.running.set(record.name, done);
  }

  private executionArn(name: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  private async execute(
    record: ExecutionRecord,
    run: StudyRun,
    resumeAfter?: JournaledExecution['checkpoint'],
  ): Promise<void> {
    const studyId = String(run.studyId);
    const emit = (event: RunnerEvent) => {
      for (const listener of this.listeners) listener(event);
    };
    emit({
      type: 'ExecutionStarted',
      execution: record.name,
      studyId,
      at: new Date(),
      resumedAfter: resumeAfter?.stage,
    });
    // One signal per execution: the stack stopping or the state machine's own timeout ends it.
    const controller = new AbortController();
    const onStop = () => controller.abort('ABORTED');
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(
      () => controller.abort('TIMED_OUT'),
      scaledTimeout(EXECUTION_TIMEOUT_SECONDS, this.timeScale, this.options.minTimeoutSeconds) * 1000,
    );
    let outcome: ExecutionOutcome | 'TIMED_OUT' | 'ABORTED';
    try {
      outcome = await runExecution(
        run,
        {
          signal: controller.signal,
          timeScale: this.timeScale,
          tier: this.options.tier,
          minTimeoutSeconds: this.options.minTimeoutSeconds,
          betweenSteps: async (step) => this.options.betweenSteps?.({ ...step, execution: record.name }),
          invoke: (handler, event, timeoutSeconds) =>
            this.options.invoke(handler, event, timeoutSeconds, controller.signal),
          openTask: () => this.openTask(),
          emit: (event) => emit({ ...event, execution: record.name, studyId, at: new Date() }),
          checkpoint: (stage, state) =>
            this.options.journal?.append({ type: 'checkpoint', name: record.name, stage, state }),
        },
        resumeAfter,
      );
    } catch (error) {
      outcome = controller.signal.aborted
        ? (controller.signal.reason as 'TIMED_OUT' | 'ABORTED')
        : {
            status: 'FAILED',
            error: 'States.Runtime',
            cause: error instanceof Error ? error.message : String(error),
          };
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
    const stopDate = new Date();
    // A stop of the stack is not an end: the journal keeps the run open, to resume at the next start.
    if (outcome === 'ABORTED' && this.options.journal) {
      emit({ type: 'ExecutionInterrupted', execution: record.name, studyId, at: stopDate });
      return;
    }
    Object.assign(record, closeRecord(outcome), { stopDate });
    const { status, output, error, cause } = record;
    this.options.journal?.append({
      type: 'ended',
      name: record.name,
      status,
      output,
      error,
      cause,
      at: stopDate.toISOString(),
    });
    emit({ type: 'ExecutionEnded', execution: record.name, studyId, at: stopDate, record });
  }

  private openTask(): OpenTask {
    const token = randomBytes(96).toString('base64url');
    let settle: (answer: Invocation) => void = () => undefined;
    const answer = new Promise<Invocation>((resolve) => (settle = resolve));
    this.waiting.set(token, { settle });
    return {
      token,
      answer,
      close: () => {
        this.waiting.delete(token);
        this.spentTokens.add(token);
      },
    };
  }

  private waitingTask(taskToken: string): Waiting {
    const task = this.waiting.get(taskToken);
    if (task) return task;
    if (this.spentTokens.has(taskToken))
      throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    throw new StepFunctionsError('InvalidToken', 'Invalid Token');
  }

  private answer(taskToken: string, answer: Invocation): void {
    this.waitingTask(taskToken).settle(answer);
  }
}

function closeRecord(outcome: ExecutionOutcome | 'TIMED_OUT' | 'ABORTED'): Partial<ExecutionRecord> {
  if (outcome === 'TIMED_OUT') return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (outcome === 'ABORTED') return { status: 'ABORTED' };
  if (outcome.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: JSON.stringify(outcome.output) };
  return { status: 'FAILED', error: outcome.error, cause: outcome.cause };
}
