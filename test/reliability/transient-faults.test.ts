/**
 * Transient faults at the protocol edges of the local stack (S3 and DynamoDB answering throttling or 5xx,
 * the inference server refusing connections or failing with 500): the functions' SDK clients retry first,
 * a fault that outlasts them fails the step as TRANSIENT, the runner retries the step with jittered
 * backoff within its policy, and the study completes. A fault that never passes ends the study FAILED
 * after the last attempt.
 */
import { describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import type { E2eStack } from '../e2e/local-stack';
import {
  attempts,
  completingStudy,
  expectFailedWith,
  expectOriginalsKept,
  expectRetriesWithinPolicy,
  stepFailures,
  stackPerFile,
  studyItem,
  type RunnerRecorder,
} from './support';

/** Step retries wait 0–20 ms instead of 0–2 s; function timeouts keep their 10 s floor (stack.ts). */
const TIME_SCALE = 0.01;

let e2e: E2eStack;
let recorder: RunnerRecorder;
stackPerFile(TIME_SCALE, (started) => ({ e2e, recorder } = started));

async function expectCompleted(studyId: string) {
  expect(await studyItem(e2e, studyId)).toMatchObject({ status: 'COMPLETED', result: expect.any(Object) });
}

describe('transient faults are retried and the study completes', () => {
  it('retries Validate when S3 reads stay throttled past the SDK retries (SlowDown ×3)', async () => {
    const studyId = 'tf-s3-slowdown';
    e2e.stack.faults.set({
      s3: [{ code: 'SlowDown', key: /^incoming\/tf-s3-slowdown\/clinical\.json$/, times: 3 }],
    });
    expect(await e2e.run(studyId, completingStudy(studyId))).toMatchObject({ status: 'SUCCEEDED' });

    expect(e2e.stack.faults.injected.s3).toBe(3);
    const failures = stepFailures(recorder.events, studyId);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ stage: 'Validate', attempt: 1, error: { Error: 'TRANSIENT' } });
    expect(failures[0]!.error.Cause).toMatch(
      /S3 GetObject s3:\/\/sap-studies\/incoming\/tf-s3-slowdown\/clinical\.json failed: SlowDown \(HTTP 503\) after 3 attempts/,
    );
    expectRetriesWithinPolicy(failures, TIME_SCALE);
    expect(attempts(recorder.events, studyId)).toEqual({ Validate: 2, Infer: 1, Radiomics: 1, Fuse: 1 });
    await expectCompleted(studyId);
  });

  it('retries a step whose status write is throttled past the SDK retries; absorbs shorter throttling', async () => {
    const studyId = 'tf-dynamo-throttled';
    const before = e2e.stack.faults.injected.dynamodb;
    e2e.stack.faults.set({
      dynamodb: [
        // The first status change is Validate entering its stage; DynamoDB's SDK client tries 4 times.
        { code: 'ProvisionedThroughputExceededException', operations: ['UpdateItem'], times: 4 },
        // The inference callback looks its task token up: two throttles, and the SDK's third try passes.
        { code: 'ThrottlingException', operations: ['GetItem'], times: 2 },
      ],
    });
    expect(await e2e.run(studyId, completingStudy(studyId))).toMatchObject({ status: 'SUCCEEDED' });

    expect(e2e.stack.faults.injected.dynamodb - before).toBe(6);
    const failures = stepFailures(recorder.events, studyId);
    expect(failures.map((f) => [f.stage, f.error.Error])).toEqual([['Validate', 'TRANSIENT']]);
    expect(failures[0]!.error.Cause).toMatch(
      /DynamoDB UpdateItem sap-studies failed: ProvisionedThroughputExceededException \(HTTP 400\) after 4 attempts/,
    );
    expectRetriesWithinPolicy(failures, TIME_SCALE);
    expect(e2e.stack.deadLetters).toEqual([]);
    await expectCompleted(studyId);
  });

  it('retries Infer with a new invocation when the inference server answers 500', async () => {
    const studyId = 'tf-inference-500';
    e2e.stack.faults.set({ inference: { kind: 'error', status: 500, times: 1 } });
    expect(await e2e.run(studyId, completingStudy(studyId))).toMatchObject({ status: 'SUCCEEDED' });

    const failures = stepFailures(recorder.events, studyId);
    expect(failures.map((f) => [f.stage, f.error.Error])).toEqual([['Infer', 'TRANSIENT']]);
    expect(failures[0]!.error.Cause).toMatch(/Received server error \(500\)/);
    expectRetriesWithinPolicy(failures, TIME_SCALE);
    expect(attempts(recorder.events, studyId)).toMatchObject({ Infer: 2 });
    await expectCompleted(studyId);
  });

  it('retries Infer when the inference server is down (connection refused)', async () => {
    const studyId = 'tf-inference-down';
    e2e.stack.faults.set({ inference: { kind: 'refused', times: 2 } });
    expect(await e2e.run(studyId, completingStudy(studyId))).toMatchObject({ status: 'SUCCEEDED' });

    const failures = stepFailures(recorder.events, studyId);
    expect(failures.map((f) => [f.stage, f.attempt, f.error.Error])).toEqual([
      ['Infer', 1, 'TRANSIENT'],
      ['Infer', 2, 'TRANSIENT'],
    ]);
    expect(failures[0]!.error.Cause).toMatch(/could not be reached \(ECONNREFUSED\)/);
    expectRetriesWithinPolicy(failures, TIME_SCALE);
    await expectCompleted(studyId);
  });
});

describe('a transient fault that never passes', () => {
  it('fails the study after the last attempt, with the reason, and goes no further', async () => {
    const studyId = 'tf-s3-down';
    const files = completingStudy(studyId);
    e2e.stack.faults.set({ s3: [{ code: 'InternalError', key: /^incoming\/tf-s3-down\/clinical\.json$/ }] });
    expect(await e2e.run(studyId, files)).toMatchObject({ status: 'FAILED', error: 'TRANSIENT' });

    const validate = PIPELINE_STEPS.find((s) => s.name === 'Validate')!;
    const failures = stepFailures(recorder.events, studyId);
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4].slice(0, 1 + validate.retry.maxAttempts));
    expect(failures.at(-1)!.retryInSeconds).toBeUndefined();
    const delays = expectRetriesWithinPolicy(failures, TIME_SCALE);
    expect(delays).toHaveLength(validate.retry.maxAttempts);
    expect(new Set(delays).size).toBeGreaterThan(1);
    // Every attempt's SDK call tried 3 times.
    expect(e2e.stack.faults.injected.s3).toBeGreaterThanOrEqual(3 * (1 + validate.retry.maxAttempts));
    expect(attempts(recorder.events, studyId)).toEqual({ Validate: 1 + validate.retry.maxAttempts });

    await expectFailedWith(e2e, studyId, {
      stage: 'Validate',
      code: 'TRANSIENT',
      message: /S3 GetObject .*incoming\/tf-s3-down\/clinical\.json failed: InternalError \(HTTP 500\)/,
    });
    e2e.stack.faults.clear();
    await expectOriginalsKept(e2e, studyId, files);
    expect(e2e.stack.stepFunctions.listExecutions().filter((x) => x.name.startsWith(studyId))).toHaveLength(
      1,
    );
  });
});
