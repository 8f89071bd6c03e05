import type { HandlerExecutionContext, InitializeHandler, InitializeMiddleware } from '@smithy/types';
import { TransientStepError } from '../../core/pipeline/step-error';

/**
 * Faults that may pass, as the SDK's own retry strategy classifies them
 * (@smithy/core retry/service-error-classification): throttling, 5xx, timeouts and dropped connections.
 */
const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

interface SdkErrorFields {
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: unknown;
}

/** Whether an AWS SDK call's error is worth another try later: the SDK gave up only for now. */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'AbortError') return false;
  const fields = error as Error & SdkErrorFields;
  const status = fields.$metadata?.httpStatusCode ?? 0;
  return (
    fields.$retryable !== undefined ||
    status === 429 ||
    status >= 500 ||
    THROTTLING_NAMES.has(error.name) ||
    TIMEOUT_NAMES.has(error.name) ||
    NETWORK_CODES.has(fields.code ?? '')
  );
}

/**
 * Client middleware, outside the SDK's own retries: a transient error the SDK gave up on becomes a
 * TransientStepError (error type TRANSIENT), which the state machine retries with backoff and jitter.
 * Any other error keeps its type, so callers still catch ConditionalCheckFailedException and the like;
 * its message gains the call and its target, so that a study failed by it says what was refused.
 */
export function transientErrorsMiddleware<Input extends object, Output extends object>(
  service: string,
): InitializeMiddleware<Input, Output> {
  return (next: InitializeHandler<Input, Output>, context: HandlerExecutionContext) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      const call = describeCall(service, context, args.input, error);
      if (isTransientAwsError(error)) throw new TransientStepError(`${call}; worth retrying later`);
      if ((error as SdkErrorFields).$metadata) error.message = `${call}: ${error.message}`;
      throw error;
    }
  };
}

/** The call, its target (bucket/key or table: ids only, never data) and what went wrong. */
function describeCall(
  service: string,
  context: HandlerExecutionContext,
  input: object,
  error: Error & SdkErrorFields,
): string {
  const { Bucket, Key, TableName } = input as { Bucket?: unknown; Key?: unknown; TableName?: unknown };
  const target =
    typeof Bucket === 'string'
      ? ` s3://${Bucket}/${typeof Key === 'string' ? Key : ''}`
      : typeof TableName === 'string'
        ? ` ${TableName}`
        : '';
  const operation = (context.commandName ?? 'request').replace(/Command$/, '');
  const status = error.$metadata?.httpStatusCode;
  const attempts = error.$metadata?.attempts;
  return (
    `${service} ${operation}${target} failed: ${error.name}${status ? ` (HTTP ${status})` : ''}` +
    (attempts && attempts > 1 ? ` after ${attempts} attempts` : '')
  );
}

export const TRANSIENT_ERRORS_MIDDLEWARE = {
  step: 'initialize',
  name: 'sapTransientErrors',
} as const;
