/** Which failures are worth a retry, and the local stack's fault switch and sequencers, without a stack. */
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { isTransientInferenceFailure } from '../../core/pipeline/inference-notification';
import { isTransientAwsError } from '../../lambdas/shared/transient-errors';
import { FaultSwitch } from '../../local/stack/faults';
import { SequencerClock } from '../../local/stack/manifest-trigger';

const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

describe('isTransientAwsError', () => {
  it('takes throttling, 5xx, timeouts and dropped connections as transient', () => {
    expect(isTransientAwsError(s3Error('SlowDown', 503))).toBe(true);
    expect(isTransientAwsError(s3Error('InternalError', 500))).toBe(true);
    expect(
      isTransientAwsError(new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} })),
    ).toBe(true);
    expect(isTransientAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isTransientAwsError(Object.assign(new Error('late'), { name: 'TimeoutError' }))).toBe(true);
  });

  it('leaves answers about the request itself alone', () => {
    expect(isTransientAwsError(s3Error('AccessDenied', 403))).toBe(false);
    expect(
      isTransientAwsError(new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } })),
    ).toBe(false);
    expect(isTransientAwsError(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))).toBe(
      false,
    );
    expect(isTransientAwsError(new TypeError('x is undefined'))).toBe(false);
    expect(
      isTransientAwsError(Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ECONNRESET' })),
    ).toBe(false);
  });
});

describe('isTransientInferenceFailure', () => {
  it('retries what the endpoint or container may get over, not what the study caused', () => {
    expect(isTransientInferenceFailure('ClientError: Received server error (500) from model.')).toBe(true);
    expect(
      isTransientInferenceFailure('ModelError: the model container could not be reached (ECONNREFUSED)'),
    ).toBe(true);
    expect(
      isTransientInferenceFailure('InvocationTimeout: the model did not answer within 3600 seconds'),
    ).toBe(true);
    expect(isTransientInferenceFailure('invocation status Expired')).toBe(true);
    expect(
      isTransientInferenceFailure(
        'ModelError: Received client error (422) from the model with message "VOLUME_TOO_SMALL"',
      ),
    ).toBe(false);
    expect(isTransientInferenceFailure('ClientError: could not read the input s3://b/k (AccessDenied)')).toBe(
      false,
    );
  });
});

describe('FaultSwitch', () => {
  it('strikes a rule as often as its times allow, counts what struck, and starts over on set', () => {
    const rule = { code: 'SlowDown' as const, key: /clinical\.json$/, times: 2 };
    const faults = new FaultSwitch({ s3: [rule] });
    expect(faults.s3Fault('PUT', 'incoming/s/clinical.json')).toBeUndefined();
    expect(faults.s3Fault('GET', 'incoming/s/manifest.json')).toBeUndefined();
    expect(faults.s3Fault('GET', 'incoming/s/clinical.json')).toBe(rule);
    expect(faults.s3Fault('GET', 'incoming/s/clinical.json')).toBe(rule);
    expect(faults.s3Fault('GET', 'incoming/s/clinical.json')).toBeUndefined();
    expect(faults.injected.s3).toBe(2);
    faults.set({ s3: [rule] });
    expect(faults.s3Fault('GET', 'incoming/s/clinical.json')).toBe(rule);
    faults.clear();
    expect(faults.s3Fault('GET', 'incoming/s/clinical.json')).toBeUndefined();
    expect(faults.manifestDelivery()).toEqual({ deliveries: 1, delaySeconds: 0 });
  });
});

describe('SequencerClock', () => {
  it('keeps the sequencers of one key increasing when the server clock does not', () => {
    const clock = new SequencerClock();
    // One width (18 hex digits): S3 compares sequencers right-padded, so a width change would misorder.
    expect(clock.next('k', '18F0A1B2C3D')).toBe('000000018F0A1B2C3D');
    expect(clock.next('k', '18F0A1B2C3D')).toBe('000000018F0A1B2C3E');
    expect(clock.next('other', '18F0A1B2C3D')).toBe('000000018F0A1B2C3D');
    expect(clock.next('k', '18F0A1B2D00')).toBe('000000018F0A1B2D00');
  });
});
