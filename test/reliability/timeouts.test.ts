/**
 * Nothing waits forever. An inference server that accepts a request and never answers is cut off by the
 * endpoint's invocation timeout (a transient failure: Infer is retried); an endpoint that never answers at
 * all (its notifications lost) is cut off by the Infer step's own timeout and the study ends FAILED. In the
 * cloud the StudyStuck alarm on the oldest in-progress study backs this up (test/infra/stack.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import { IN_PROGRESS_STATUSES } from '../../core/study/progress-age';
import type { E2eStack } from '../e2e/local-stack';
import {
  completingStudy,
  expectFailedWith,
  expectOriginalsKept,
  stepFailures,
  studyItem,
  stackPerFile,
  type RunnerRecorder,
} from './support';

/**
 * The endpoint's 3,600 s invocation timeout becomes 14.4 s (room for the retried inference on a busy
 * machine) and Infer's 4,500 s step timeout 18 s; the other timeouts stay at the stack's 10 s floor, so
 * only the waits on inference are cut short.
 */
const TIME_SCALE = 0.004;
const INFER = PIPELINE_STEPS.find((s) => s.name === 'Infer')!;

let e2e: E2eStack;
let recorder: RunnerRecorder;
stackPerFile(TIME_SCALE, (started) => ({ e2e, recorder } = started));

describe('waits on inference end', () => {
  it('an inference server that never answers is timed out by the endpoint; the retry completes', async () => {
    const studyId = 'to-inference-hangs';
    e2e.stack.faults.set({ inference: { kind: 'hang', times: 1 } });
    expect(await e2e.run(studyId, completingStudy(studyId))).toMatchObject({ status: 'SUCCEEDED' });

    const failures = stepFailures(recorder.events, studyId);
    expect(failures.map((f) => [f.stage, f.error.Error])).toEqual([['Infer', 'TRANSIENT']]);
    expect(failures[0]!.error.Cause).toMatch(
      /InvocationTimeout: the model did not answer within 3600 seconds/,
    );
    expect(await studyItem(e2e, studyId)).toMatchObject({ status: 'COMPLETED' });
  }, 60_000);

  it('an endpoint that never answers is cut off by the step timeout: FAILED, nothing left in progress', async () => {
    const studyId = 'to-endpoint-silent';
    const files = completingStudy(studyId);
    e2e.stack.faults.set({ lostNotifications: {} });
    const started = Date.now();
    expect(await e2e.run(studyId, files)).toMatchObject({ status: 'FAILED', error: 'STEP_TIMEOUT' });
    const waited = (Date.now() - started) / 1000;

    expect(e2e.stack.faults.injected.lostNotifications).toBeGreaterThanOrEqual(1);
    const failures = stepFailures(recorder.events, studyId);
    // States.Timeout is not retried (as deployed): one attempt, then the failure is recorded.
    expect(failures.map((f) => [f.stage, f.error.Error, f.retryInSeconds])).toEqual([
      ['Infer', 'States.Timeout', undefined],
    ]);
    expect(waited).toBeGreaterThanOrEqual(INFER.stepTimeoutSeconds * TIME_SCALE);
    await expectFailedWith(e2e, studyId, {
      stage: 'Infer',
      code: 'STEP_TIMEOUT',
      message: /States\.Timeout/,
    });
    e2e.stack.faults.clear();
    await expectOriginalsKept(e2e, studyId, files);

    for (const studyId of ['to-inference-hangs', 'to-endpoint-silent'])
      expect(IN_PROGRESS_STATUSES).not.toContain((await studyItem(e2e, studyId))!.status);
  }, 60_000);
});
