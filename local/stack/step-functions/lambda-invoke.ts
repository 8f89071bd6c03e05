import { pathToFileURL } from 'node:url';
import type { CaughtError } from '../../../core/pipeline/failure';
import { invokedAs } from '../iam/implied-calls';
import { runnableModule } from '../paths';
import { lambdaResponseLimit } from './service-limits';
import { withTimeout } from './timers';

/** What calling a function gives its caller: the result, or the error as Lambda reports it. */
export type Invocation = { ok: true; payload: unknown } | { ok: false; error: CaughtError };

type Handler = (event: unknown) => unknown;

/**
 * Calls a handler module's `handler` as Lambda would: the event and the result pass through JSON (no
 * shared objects), a thrown error becomes `{Error: errorType, Cause: {errorType, errorMessage, trace}}`,
 * and a call over the function's timeout, or a response over Lambda's 6 MB (./service-limits.ts), fails
 * as Lambda's does. The handler module is imported on first use, so it sees the environment the local
 * stack set.
 */
export async function invokeFunction(
  handlerPath: string,
  event: unknown,
  timeoutSeconds: number,
  signal: AbortSignal,
  runtimeFault?: RuntimeFault,
): Promise<Invocation> {
  if (runtimeFault) return stoppedByRuntime(runtimeFault, handlerPath, timeoutSeconds, signal);
  try {
    const handler = await loadHandler(handlerPath);
    // A stopped stack starts no function: its call would run on unobserved, against restored settings.
    if (signal.aborted) throw signal.reason;
    // The handler's AWS calls are its role's (the IAM check, local/stack/iam/).
    const call = Promise.resolve().then(() =>
      invokedAs(handlerPath, () => handler(JSON.parse(JSON.stringify(event)) as unknown)),
    );
    const result = await withTimeout(call, timeoutSeconds, signal);
    if (result.timedOut) return timedOut(timeoutSeconds);
    // Lambda answers `null` for a handler that returns nothing.
    const response = JSON.stringify(result.value ?? null);
    const tooLarge = lambdaResponseLimit(response);
    if (tooLarge) return { ok: false, error: tooLarge };
    return { ok: true, payload: JSON.parse(response) as unknown };
  } catch (error) {
    if (signal.aborted) throw error;
    return { ok: false, error: lambdaError(error) };
  }
}

const handlers = new Map<string, Promise<Handler>>();

function loadHandler(handlerPath: string): Promise<Handler> {
  let loading = handlers.get(handlerPath);
  if (!loading) {
    // The compiled CLI imports the handler's compiled module, which shares its chunks (one SDK, one IAM check).
    const url = pathToFileURL(runnableModule(handlerPath)).href;
    loading = import(url).then((module: { handler?: unknown }) => {
      if (typeof module.handler !== 'function') throw new Error(`${handlerPath} exports no handler`);
      return module.handler as Handler;
    });
    handlers.set(handlerPath, loading);
  }
  return loading;
}

/** How the Lambda runtime may stop an invocation (the local stack's fault switch, faults.ts). */
export type RuntimeFault = 'timeout' | 'out-of-memory';

/**
 * An invocation the runtime stops, as Lambda reports it: one that runs to its timeout (Sandbox.Timedout),
 * or one whose process is killed for running out of memory (Runtime.OutOfMemory, "Runtime exited with
 * error: signal: killed"). Still an invocation of the function, by its invoker.
 */
async function stoppedByRuntime(
  fault: RuntimeFault,
  handlerPath: string,
  timeoutSeconds: number,
  signal: AbortSignal,
): Promise<Invocation> {
  return invokedAs(handlerPath, async () => {
    if (fault === 'timeout') {
      await withTimeout(new Promise<never>(() => undefined), timeoutSeconds, signal);
      return timedOut(timeoutSeconds);
    }
    const errorType = 'Runtime.OutOfMemory';
    const errorMessage = 'Runtime exited with error: signal: killed';
    return { ok: false, error: { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage }) } };
  });
}

function timedOut(seconds: number): Invocation {
  const errorType = 'Sandbox.Timedout';
  const errorMessage = `Task timed out after ${seconds.toFixed(2)} seconds`;
  return { ok: false, error: { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage }) } };
}

/** The Node.js runtime's report of a thrown value. */
export function lambdaError(thrown: unknown): CaughtError {
  const errorType = thrown instanceof Error ? thrown.name : typeof thrown;
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  const trace = thrown instanceof Error ? (thrown.stack ?? '').split('\n') : [];
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage, trace }) };
}
