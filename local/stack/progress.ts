import type { StageName } from '../../core/pipeline/steps';
import type { ExecutionRecord, LocalStepFunctions, RunnerEvent } from './step-functions/service';

export interface StageTiming {
  stage: StageName;
  /** From the first attempt's start to the step's success (or its last failure). */
  seconds: number;
  attempts: number;
  succeeded: boolean;
}

/** Per-stage wall times of one study's executions, from the runner's events. */
export function stageTimings(events: readonly RunnerEvent[], studyId: string): StageTiming[] {
  const timings = new Map<StageName, StageTiming & { startedAt: number }>();
  for (const event of events) {
    if (event.studyId !== studyId || !('stage' in event)) continue;
    const at = event.at.getTime();
    if (event.type === 'StepStarted') {
      const known = timings.get(event.stage);
      if (known) known.attempts = event.attempt;
      else
        timings.set(event.stage, {
          stage: event.stage,
          seconds: 0,
          attempts: 1,
          succeeded: false,
          startedAt: at,
        });
    } else if (event.type === 'StepSucceeded' || event.type === 'StepFailed') {
      const timing = timings.get(event.stage);
      if (!timing) continue;
      timing.seconds = (at - timing.startedAt) / 1000;
      timing.succeeded = event.type === 'StepSucceeded';
    }
  }
  return [...timings.values()].map(({ startedAt: _startedAt, ...timing }) => timing);
}

/** Keeps every runner event from now on, so that a study's events are there whenever its id is known. */
export function recordRunnerEvents(stepFunctions: LocalStepFunctions): {
  events: RunnerEvent[];
  /** The end of the first execution of `studyId` to end, recorded already or still to come. */
  ended(studyId: string, signal?: AbortSignal): Promise<ExecutionRecord>;
  dispose(): void;
} {
  const events: RunnerEvent[] = [];
  const waiters = new Set<{ studyId: string; resolve: (record: ExecutionRecord) => void }>();
  const dispose = stepFunctions.onEvent((event) => {
    events.push(event);
    if (event.type !== 'ExecutionEnded') return;
    for (const waiter of waiters) {
      if (waiter.studyId !== event.studyId) continue;
      waiters.delete(waiter);
      waiter.resolve(event.record);
    }
  });
  return {
    events,
    dispose,
    ended: (studyId, signal) => {
      const done = events.find((e) => e.type === 'ExecutionEnded' && e.studyId === studyId);
      if (done?.type === 'ExecutionEnded') return Promise.resolve(done.record);
      return new Promise((resolve, reject) => {
        const waiter = { studyId, resolve };
        waiters.add(waiter);
        signal?.addEventListener('abort', () => {
          waiters.delete(waiter);
          reject(signal.reason as Error);
        });
      });
    },
  };
}
