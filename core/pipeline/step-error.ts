/**
 * An error a step throws on purpose. Its `name` is the code, because that is what Lambda reports as the
 * error type and what Step Functions matches in Retry and Catch.
 */
export class StepError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }

  get code(): string {
    return this.name;
  }
}

/**
 * A run overtaken by a newer manifest version (or already past this step) stops with this code. It is no
 * failure of the study: the state machine ends such a run as superseded and records nothing.
 */
export const STALE_RUN = 'STALE_RUN';

/** Error type that the state machine and the local runner retry with backoff. */
export const TRANSIENT = 'TRANSIENT';

/** A fault that may pass (throttling, a 5xx, a timeout): worth retrying. */
export class TransientStepError extends StepError {
  constructor(message: string) {
    super(TRANSIENT, message);
  }
}

/** Thrown by a step whose domain code is not built yet: the study fails with this reason, never a fake result. */
export function notImplemented(stage: string, what: string, issue: number): StepError {
  return new StepError(
    'NOT_IMPLEMENTED',
    `${stage}: ${what} is not built yet (issue #${issue}); no result was produced`,
  );
}
