import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../core/pipeline/failure';
import { readInferenceNotification } from '../../core/pipeline/inference-notification';
import { readManifestEvent } from '../../core/pipeline/manifest-event';
import { StepError, TRANSIENT, TransientStepError, notImplemented } from '../../core/pipeline/step-error';
import { PIPELINE_STEPS, RECORD_FAILURE } from '../../core/pipeline/steps';
import { PROGRESS } from '../../core/study/status';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('describeFailure', () => {
  const lambdaCause = (errorType: string, errorMessage: string) =>
    JSON.stringify({
      errorType,
      errorMessage,
      trace: [`${errorType}: ${errorMessage}`, '    at handler (/var/task/index.mjs:1:1)'],
    });

  it("keeps a step's own code and takes the message out of Lambda's JSON cause", () => {
    const message = 'Validate: study ingestion is not built yet (issue #3); no result was produced';
    expect(
      describeFailure('Validate', {
        Error: 'NOT_IMPLEMENTED',
        Cause: lambdaCause('NOT_IMPLEMENTED', message),
      }),
    ).toEqual({
      stage: 'Validate',
      code: 'NOT_IMPLEMENTED',
      message,
    });
  });

  it('maps Step Functions timeouts to STEP_TIMEOUT', () => {
    expect(describeFailure('Infer', { Error: 'States.Timeout', Cause: '' })).toEqual({
      stage: 'Infer',
      code: 'STEP_TIMEOUT',
      message: 'States.Timeout',
    });
    expect(describeFailure('Infer', { Error: 'States.HeartbeatTimeout' }).code).toBe('STEP_TIMEOUT');
  });

  it('maps other States.* errors to ORCHESTRATION_ERROR', () => {
    const failure = describeFailure('Fuse', { Error: 'States.TaskFailed', Cause: 'the task failed' });
    expect(failure).toEqual({ stage: 'Fuse', code: 'ORCHESTRATION_ERROR', message: 'the task failed' });
    expect(describeFailure('Fuse', { Error: 'States.Runtime' }).code).toBe('ORCHESTRATION_ERROR');
  });

  it('hides unexpected error types behind INTERNAL_ERROR but keeps their message', () => {
    const failure = describeFailure('Radiomics', {
      Error: 'TypeError',
      Cause: lambdaCause('TypeError', "Cannot read properties of undefined (reading 'x')"),
    });
    expect(failure).toEqual({
      stage: 'Radiomics',
      code: 'INTERNAL_ERROR',
      message: "Cannot read properties of undefined (reading 'x')",
    });
    expect(describeFailure('Radiomics', { Error: 'Error' }).code).toBe('INTERNAL_ERROR');
    expect(describeFailure('Radiomics', { Error: 'Lambda.ServiceException' }).code).toBe('INTERNAL_ERROR');
    expect(describeFailure('Radiomics', {})).toEqual({
      stage: 'Radiomics',
      code: 'INTERNAL_ERROR',
      message: '',
    });
  });

  it('uses a plain-text cause, or JSON without errorMessage, as it is', () => {
    expect(
      describeFailure('Infer', { Error: 'INFERENCE_FAILED', Cause: 'ClientError: model returned 500' }),
    ).toEqual({
      stage: 'Infer',
      code: 'INFERENCE_FAILED',
      message: 'ClientError: model returned 500',
    });
    expect(describeFailure('Infer', { Error: 'X_Y', Cause: '{"other":1}' }).message).toBe('{"other":1}');
    expect(describeFailure('Infer', { Error: 'X_Y', Cause: '[1,2]' }).message).toBe('[1,2]');
  });

  it('truncates long messages to 8000 characters, saying so', () => {
    const long = 'x'.repeat(20000);
    const cut = `${'x'.repeat(8000 - '… (cut short)'.length)}… (cut short)`;
    expect(
      describeFailure('Fuse', { Error: 'TRANSIENT', Cause: lambdaCause('TRANSIENT', long) }).message,
    ).toBe(cut);
    expect(describeFailure('Fuse', { Error: 'TRANSIENT', Cause: long }).message).toBe(cut);
  });

  // Step Functions keeps at most 32,768 characters of a cause:
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html
  it('reads the message of a Lambda error report that Step Functions cut short', () => {
    const message = 'line one\nline "two" \\ é\u0001';
    const cause = lambdaCause('INPUT_REJECTED', message);
    const at = cause.indexOf('"trace"');
    // Cut inside the trace: the message is whole.
    expect(describeFailure('Validate', { Error: 'INPUT_REJECTED', Cause: cause.slice(0, at + 3) })).toEqual({
      stage: 'Validate',
      code: 'INPUT_REJECTED',
      message,
    });
    // Cut inside the message, at every point (escapes cut in half included): a prefix, marked as cut.
    const start = cause.indexOf('"errorMessage":"') + '"errorMessage":"'.length;
    for (let end = start; end < cause.indexOf('","trace"'); end++) {
      const read = describeFailure('Validate', { Error: 'INPUT_REJECTED', Cause: cause.slice(0, end) });
      expect(read.message.endsWith('… (cut short)'), cause.slice(0, end)).toBe(true);
      expect(message.startsWith(read.message.slice(0, -'… (cut short)'.length))).toBe(true);
    }
  });

  it('keeps a plain-text cause that is not JSON as it is', () => {
    expect(describeFailure('Infer', { Error: 'States.Timeout', Cause: '{not json' }).message).toBe(
      '{not json',
    );
  });
});

describe('StepError', () => {
  it('carries its code as the error name, which Lambda reports as the error type', () => {
    const error = new StepError('STALE_RUN', 'moved on');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('STALE_RUN');
    expect(error.code).toBe('STALE_RUN');
    expect(error.message).toBe('moved on');
  });

  it('marks transient faults with the retried type', () => {
    const error = new TransientStepError('throttled');
    expect(error).toBeInstanceOf(StepError);
    expect(error.name).toBe(TRANSIENT);
    expect(TRANSIENT).toBe('TRANSIENT');
  });

  it('names the stage and the issue in a not-implemented error', () => {
    const error = notImplemented('Radiomics', 'the IBSI radiomics engine', 4);
    expect(error.name).toBe('NOT_IMPLEMENTED');
    expect(error.message).toBe(
      'Radiomics: the IBSI radiomics engine is not built yet (issue #4); no result was produced',
    );
    expect(describeFailure('Radiomics', { Error: error.name, Cause: error.message }).code).toBe(
      'NOT_IMPLEMENTED',
    );
  });
});

describe('readManifestEvent', () => {
  const detail = (object: Record<string, unknown>) => ({
    version: '0',
    bucket: { name: 'sap-studies-123456789012-eu-west-1' },
    object: { size: 412, sequencer: '00617F08299329D189', ...object },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    'source-ip-address': '203.0.113.15',
    reason: 'PutObject',
  });

  it('reads a versioned manifest upload', () => {
    const outcome = readManifestEvent(
      detail({
        key: 'incoming/study-42/manifest.json',
        etag: 'b1946ac92492d2347c6235b4d2611184',
        'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
      }),
    );
    expect(outcome).toEqual({
      kind: 'manifest',
      arrival: {
        bucket: 'sap-studies-123456789012-eu-west-1',
        studyId: 'study-42',
        manifestVersion: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
        sequencer: '00617F08299329D189'.padEnd(64, '0'),
      },
    });
  });

  // S3: "right pad the shorter value with zeros and then do a lexicographical comparison"
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
  it('orders sequencers of different lengths as S3 says: right-padded with zeros, then as strings', () => {
    const sequencerOf = (sequencer: string) => {
      const outcome = readManifestEvent(detail({ key: 'incoming/s1/manifest.json', etag: 'e', sequencer }));
      return outcome.kind === 'manifest' ? outcome.arrival.sequencer : undefined;
    };
    const older = '0055AED6DCD90281E5';
    // A later write with a shorter sequencer: left-padding would put it first ("00055AED..." < "0055AED...").
    const laterShorter = '0055AED6DCD90281F';
    expect(sequencerOf(older)! < sequencerOf(laterShorter)!).toBe(true);
    // A later write with a longer sequencer, and the same length as before.
    expect(sequencerOf(older)! < sequencerOf(`${older}1`)!).toBe(true);
    expect(sequencerOf(older)! < sequencerOf('0055AED6DCD90281E6')!).toBe(true);
    // Case does not matter; trailing zeros do not make a value later.
    expect(sequencerOf('0055aed6dcd90281e5')).toBe(sequencerOf(older));
    expect(sequencerOf(`${older}00`)).toBe(sequencerOf(older));
    expect(sequencerOf(older)).toHaveLength(64);
  });

  it('falls back to the ETag on an unversioned bucket', () => {
    const outcome = readManifestEvent(
      detail({ key: 'incoming/s1/manifest.json', etag: 'd41d8cd98f00b204e9800998ecf8427e' }),
    );
    expect(outcome).toMatchObject({
      kind: 'manifest',
      arrival: { manifestVersion: 'd41d8cd98f00b204e9800998ecf8427e' },
    });
  });

  it('decodes a URL-encoded key', () => {
    const outcome = readManifestEvent(detail({ key: 'incoming%2Fs_1%2Fmanifest.json', 'version-id': 'v1' }));
    expect(outcome).toMatchObject({ kind: 'manifest', arrival: { studyId: 's_1' } });
  });

  it('ignores keys that are not a study manifest', () => {
    for (const key of [
      'incoming/s1/clinical.json',
      'incoming/s1/image/manifest.json',
      'incoming/a+b/manifest.json',
    ]) {
      const outcome = readManifestEvent(detail({ key, 'version-id': 'v1' }));
      expect(outcome.kind, key).toBe('ignored');
    }
  });

  it('ignores a manifest event with neither version id nor ETag', () => {
    expect(readManifestEvent(detail({ key: 'incoming/s1/manifest.json' }))).toEqual({
      kind: 'ignored',
      reason: 'event carries neither a version id nor an ETag',
    });
  });

  it.each([
    null,
    undefined,
    'incoming/s1/manifest.json',
    42,
    {},
    { bucket: { name: '' }, object: { key: 'incoming/s1/manifest.json', etag: 'e' } },
    { bucket: { name: 'b' }, object: { key: '' } },
    { bucket: 'b', object: { key: 'incoming/s1/manifest.json', etag: 'e' } },
  ])('ignores garbage %j', (garbage) => {
    expect(readManifestEvent(garbage)).toMatchObject({ kind: 'ignored', reason: expect.any(String) });
  });

  it('ignores a key with a malformed percent escape instead of throwing', () => {
    for (const key of ['incoming/s1/image/100%.dcm', 'incoming/%E0%A4%A/manifest.json']) {
      expect(readManifestEvent(detail({ key, 'version-id': 'v1' })).kind, key).toBe('ignored');
    }
  });
});

describe('readInferenceNotification', () => {
  const base = {
    awsRegion: 'eu-west-1',
    eventTime: '2025-03-01T12:04:00.608Z',
    receivedTime: '2025-03-01T12:00:00.455Z',
    requestParameters: {
      contentType: 'application/json',
      endpointName: 'sap-inference',
      inputLocation: 's3://sap-studies/work/s1/inference-request.json',
    },
    inferenceId: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c',
    eventVersion: '1.0',
    eventSource: 'aws:sagemaker',
    eventName: 'InferenceResult',
  };

  it('reads a success notification', () => {
    const message = JSON.stringify({
      ...base,
      invocationStatus: 'Completed',
      responseParameters: {
        contentType: 'application/json',
        outputLocation: 's3://sap-async-output/output/6c3b7a1e.out',
      },
    });
    expect(readInferenceNotification(message)).toEqual({
      inferenceId: base.inferenceId,
      succeeded: true,
      outputLocation: 's3://sap-async-output/output/6c3b7a1e.out',
    });
  });

  it('reads an error notification with its failure reason', () => {
    const failureReason =
      'ClientError: Received server error (500) from model. See the SageMaker Endpoint logs in your account for more information.';
    const message = JSON.stringify({
      ...base,
      invocationStatus: 'Failed',
      failureReason,
      responseParameters: { contentType: 'text/plain; charset=utf-8' },
    });
    expect(readInferenceNotification(message)).toEqual({
      inferenceId: base.inferenceId,
      succeeded: false,
      reason: failureReason,
    });
  });

  it('names the status when a failure carries no reason', () => {
    const outcome = readInferenceNotification(JSON.stringify({ ...base, invocationStatus: 'Expired' }));
    expect(outcome).toEqual({
      inferenceId: base.inferenceId,
      succeeded: false,
      reason: 'invocation status Expired',
    });
  });

  it('rejects a message that is not a notification', () => {
    expect(() => readInferenceNotification('not json')).toThrow();
    expect(() => readInferenceNotification(JSON.stringify({ invocationStatus: 'Completed' }))).toThrow();
    expect(() =>
      readInferenceNotification(JSON.stringify({ ...base, inferenceId: '', invocationStatus: 'Completed' })),
    ).toThrow();
  });
});

describe('pipeline steps', () => {
  it('runs Validate, Infer, Radiomics, Fuse in that order', () => {
    expect(PIPELINE_STEPS.map((s) => s.name)).toEqual(['Validate', 'Infer', 'Radiomics', 'Fuse']);
  });

  it('waits for a callback in Infer only', () => {
    expect(PIPELINE_STEPS.filter((s) => s.completion === 'callback').map((s) => s.name)).toEqual(['Infer']);
  });

  it('gives every step its own status, in progress order', () => {
    const statuses = PIPELINE_STEPS.map((s) => s.status);
    expect(new Set(statuses).size).toBe(statuses.length);
    const positions = statuses.map((s) => PROGRESS.indexOf(s as (typeof PROGRESS)[number]));
    expect(positions.every((p) => p > 0 && p < PROGRESS.indexOf('COMPLETED'))).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('lets each step run at least as long as its Lambda', () => {
    for (const step of PIPELINE_STEPS) {
      expect(step.stepTimeoutSeconds, step.name).toBeGreaterThanOrEqual(step.timeoutSeconds);
      expect(step.timeoutSeconds, step.name).toBeLessThanOrEqual(900);
      expect(step.retry.maxAttempts, step.name).toBeGreaterThanOrEqual(1);
    }
  });

  it.each([...PIPELINE_STEPS.map((s) => s.handler), RECORD_FAILURE.handler])(
    '%s exists and exports handler',
    async (file) => {
      const path = resolve(ROOT, file);
      expect(existsSync(path)).toBe(true);
      const module = (await import(path)) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    },
  );
});
