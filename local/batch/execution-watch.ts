import type { ExecutionRecord, LocalStepFunctions } from '../stack/step-functions/service';

/** Waits for executions of the local runner to end, by name, however soon they end. */
export class ExecutionWatch {
  private readonly waiting = new Map<string, ((record: ExecutionRecord) => void)[]>();
  private readonly dispose: () => void;

  constructor(private readonly stepFunctions: LocalStepFunctions) {
    this.dispose = stepFunctions.onEvent((event) => {
      if (event.type !== 'ExecutionEnded') return;
      for (const resolve of this.waiting.get(event.record.name) ?? []) resolve(event.record);
      this.waiting.delete(event.record.name);
    });
  }

  /** The execution's final record; rejects with the signal's reason when it aborts first. */
  ended(executionArn: string, signal: AbortSignal): Promise<ExecutionRecord> {
    const record = this.stepFunctions.describeExecution(executionArn);
    if (record.status !== 'RUNNING') return Promise.resolve(record);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const waiters = this.waiting.get(record.name) ?? [];
      waiters.push((ended) => {
        signal.removeEventListener('abort', onAbort);
        resolve(ended);
      });
      this.waiting.set(record.name, waiters);
    });
  }

  close(): void {
    this.dispose();
  }
}
