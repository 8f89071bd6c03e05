/** Resolves after `seconds`, or rejects with the signal's reason when it aborts first. */
export function delay(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, seconds * 1000);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export type Timed<T> = { timedOut: false; value: T } | { timedOut: true };

/**
 * `work`'s outcome, or `timedOut` once `seconds` pass first; rejects with the signal's reason when it
 * aborts first. Work that loses the race runs on unobserved: a Lambda or a task is not killed either.
 */
export function withTimeout<T>(work: Promise<T>, seconds: number, signal: AbortSignal): Promise<Timed<T>> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<Timed<T>>((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      settle();
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      settle();
      resolve({ timedOut: true });
    }, seconds * 1000);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        settle();
        resolve({ timedOut: false, value });
      },
      (error: unknown) => {
        settle();
        reject(error as Error);
      },
    );
  });
}

/**
 * A deployed timeout on the local clock: `seconds × timeScale`, but never under `minSeconds` (a floor that
 * itself never exceeds the deployed value): a handler needs real time on this machine however fast the
 * test clock runs.
 */
export function scaledTimeout(seconds: number, timeScale: number, minSeconds = 0): number {
  return Math.max(seconds * timeScale, Math.min(seconds, minSeconds));
}
