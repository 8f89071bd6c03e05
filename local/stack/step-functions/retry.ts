import { TRANSIENT } from '../../../core/pipeline/step-error';
import { RECORD_FAILURE, type RetryPolicy } from '../../../core/pipeline/steps';

/** A Retry field of one state: which errors it matches and how it backs off (full jitter, as deployed). */
export interface Retrier {
  /** Error names, or `States.ALL`. */
  errors: readonly string[];
  maxAttempts: number;
  intervalSeconds: number;
  backoffRate: number;
  /** Absent: no cap. */
  maxDelaySeconds?: number;
}

export const ALL_ERRORS = 'States.ALL';

/**
 * What the state machine retries on a step. It also retries Lambda's own service faults
 * (`Lambda.ServiceException`, ...), which cannot happen to a handler called in-process.
 */
export function stepRetrier(policy: RetryPolicy): Retrier {
  return { errors: [TRANSIENT], ...policy };
}

/** The failure recorder retries whatever went wrong (lib/constructs/pipeline-definition.ts). */
export const RECORD_FAILURE_RETRIER: Retrier = { errors: [ALL_ERRORS], ...RECORD_FAILURE.retry };

/**
 * Errors that end an execution whatever its Catch says: States.ALL does not match them.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
const UNCATCHABLE = new Set(['States.Runtime', 'States.DataLimitExceeded']);

export function matchesError(errors: readonly string[], name: string): boolean {
  if (errors.includes(name)) return true;
  return errors.includes(ALL_ERRORS) && !UNCATCHABLE.has(name);
}

/** Delay before retry number `retry` (1 for the first retry): interval × rate^(retry−1), capped, full jitter. */
export function retryDelaySeconds(
  retrier: Retrier,
  retry: number,
  random: () => number = Math.random,
): number {
  const uncapped = retrier.intervalSeconds * retrier.backoffRate ** (retry - 1);
  const capped =
    retrier.maxDelaySeconds === undefined ? uncapped : Math.min(uncapped, retrier.maxDelaySeconds);
  return random() * capped;
}
