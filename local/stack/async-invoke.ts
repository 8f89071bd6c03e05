import type { CaughtError } from '../../core/pipeline/failure';
import { recordDeadLetter } from './iam/implied-calls';
import { invokeFunction } from './step-functions/lambda-invoke';
import { delay, scaledTimeout } from './step-functions/timers';

/**
 * Lambda's asynchronous invocation (how EventBridge and SNS call a function): a function error is retried
 * twice, about a minute and then two minutes later; an event that still fails goes to the dead letters.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
const RETRY_DELAYS_SECONDS = [60, 120];

export interface DeadLetter {
  handler: string;
  error: CaughtError;
  at: string;
}

export interface AsyncInvokeOptions {
  signal: AbortSignal;
  timeScale: number;
  timeoutSeconds: number;
  /** Floor of the scaled function timeout (see scaledTimeout). Default 0. */
  minTimeoutSeconds?: number;
  onDeadLetter(letter: DeadLetter): void;
}

export async function invokeAsync(
  handler: string,
  event: unknown,
  options: AsyncInvokeOptions,
): Promise<void> {
  const { signal, timeScale } = options;
  const timeout = scaledTimeout(options.timeoutSeconds, timeScale, options.minTimeoutSeconds);
  try {
    for (let attempt = 0; ; attempt++) {
      const result = await invokeFunction(handler, event, timeout, signal);
      if (result.ok) return;
      const wait = RETRY_DELAYS_SECONDS[attempt];
      if (wait === undefined) {
        recordDeadLetter(handler);
        options.onDeadLetter({ handler, error: result.error, at: new Date().toISOString() });
        return;
      }
      await delay(wait * timeScale, signal);
    }
  } catch (error) {
    // The stack is stopping: an event still in flight is dropped, as a Lambda shut down mid-retry would.
    if (!signal.aborted) throw error;
  }
}
