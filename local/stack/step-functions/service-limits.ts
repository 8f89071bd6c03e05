import type { CaughtError } from '../../../core/pipeline/failure';

/**
 * AWS's size limits, applied by the local runner so that tests meet them as the cloud would.
 *
 * Step Functions: a state's input or output, and an execution's input, at most 256 KiB; over it the state
 * fails with States.DataLimitExceeded, which no Catch catches (States.ALL excludes it).
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/**
 * A task failure keeps at most 32,768 characters of its cause and 256 of its error name.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html
 */
export const TASK_FAILURE_LIMITS = { causeChars: 32_768, errorChars: 256 } as const;

/**
 * Lambda: a synchronous invocation's response is at most 6 MB; Lambda refuses a larger one with this many
 * bytes as the limit it names (6 MiB and 100 bytes).
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_556;

/** The error Step Functions ends an execution with when a state's data is over the limit. */
export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

/** A task failure as Step Functions keeps it: the cause cut at 32,768 characters, the error at 256. */
export function asTaskFailure(error: CaughtError): CaughtError {
  const { causeChars, errorChars } = TASK_FAILURE_LIMITS;
  return {
    ...(error.Error !== undefined ? { Error: error.Error.slice(0, errorChars) } : {}),
    ...(error.Cause !== undefined ? { Cause: error.Cause.slice(0, causeChars) } : {}),
  };
}

/** States.DataLimitExceeded where `payload` (a state's input or output) is over 256 KiB. */
export function stateDataLimit(what: string, payload: unknown): CaughtError | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(payload) ?? 'null');
  if (bytes <= STATE_PAYLOAD_LIMIT_BYTES) return undefined;
  return {
    Error: DATA_LIMIT_EXCEEDED,
    Cause: `the ${what} of ${bytes} bytes is over the ${STATE_PAYLOAD_LIMIT_BYTES}-byte limit`,
  };
}

/** Lambda's report of a response over 6 MB, or undefined for a response within the limit. */
export function lambdaResponseLimit(responseJson: string): CaughtError | undefined {
  if (Buffer.byteLength(responseJson) <= LAMBDA_RESPONSE_LIMIT_BYTES) return undefined;
  const errorType = 'Function.ResponseSizeTooLarge';
  const errorMessage = `Response payload size exceeded maximum allowed payload size (${LAMBDA_RESPONSE_LIMIT_BYTES} bytes).`;
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage }) };
}
