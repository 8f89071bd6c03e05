/**
 * Permanent faults fail the study at once: one attempt of the failing step, no retry, FAILED with the
 * stage, a code and a message that says what went wrong; the originals under incoming/ are kept and no
 * result is written. Corrupt artifacts between steps are caught by the step that reads them.
 */
import { describe, expect, it } from 'vitest';
import { studyKeys } from '../../core/study/keys';
import { corruptArtifact } from '../../local/stack/corrupt-artifact';
import type { E2eStack } from '../e2e/local-stack';
import {
  attempts,
  completingStudy,
  expectFailedWith,
  expectOriginalsKept,
  stepFailures,
  stackPerFile,
  type RunnerRecorder,
} from './support';

let e2e: E2eStack;
let recorder: RunnerRecorder;
stackPerFile(0.01, (started) => ({ e2e, recorder } = started));

/** Runs the study under the current faults; checks it failed once, at once, and kept its originals. */
async function runToFailure(studyId: string, stage: string, code: string) {
  const files = completingStudy(studyId);
  expect(await e2e.run(studyId, files)).toMatchObject({ status: 'FAILED', error: code });
  const failures = stepFailures(recorder.events, studyId);
  expect(failures.map((f) => [f.stage, f.attempt, f.error.Error, f.retryInSeconds])).toEqual([
    [stage, 1, expect.any(String), undefined],
  ]);
  expect(attempts(recorder.events, studyId)[stage as 'Validate']).toBe(1);
  e2e.stack.faults.clear();
  await expectOriginalsKept(e2e, studyId, files);
  expect((await e2e.objects(studyKeys.explanation(studyId))).size).toBe(0);
}

describe('permanent faults fail the study at once with the reason', () => {
  it('S3 refusing to read an upload (AccessDenied): Validate fails, naming the object', async () => {
    const studyId = 'pf-s3-denied';
    e2e.stack.faults.set({ s3: [{ code: 'AccessDenied', key: /^incoming\/pf-s3-denied\/clinical\.json$/ }] });
    await runToFailure(studyId, 'Validate', 'INTERNAL_ERROR');
    await expectFailedWith(e2e, studyId, {
      stage: 'Validate',
      code: 'INTERNAL_ERROR',
      message:
        /^S3 GetObject s3:\/\/sap-studies\/incoming\/pf-s3-denied\/clinical\.json failed: AccessDenied \(HTTP 403\): Access Denied$/,
    });
    // The SDK does not retry a 403 either: one request.
    expect(e2e.stack.faults.injected.s3).toBe(1);
  });

  it('the inference server refusing the request (HTTP 400): Infer fails with its reason', async () => {
    const studyId = 'pf-inference-400';
    e2e.stack.faults.set({ inference: { kind: 'error', status: 400 } });
    await runToFailure(studyId, 'Infer', 'INFERENCE_FAILED');
    await expectFailedWith(e2e, studyId, {
      stage: 'Infer',
      code: 'INFERENCE_FAILED',
      message: /Received client error \(400\) from the model .*the inference server answered 400/,
    });
  });
});

describe('a corrupt artifact between steps fails the step that reads it', () => {
  it('a mask overwritten after Infer: Radiomics fails with ARTIFACT_CORRUPT', async () => {
    const studyId = 'pf-corrupt-mask';
    e2e.stack.faults.set({
      betweenSteps: corruptArtifact(e2e.stack.s3Client, { studyId, after: 'Infer', artifact: 'mask' }),
    });
    await runToFailure(studyId, 'Radiomics', 'ARTIFACT_CORRUPT');
    await expectFailedWith(e2e, studyId, {
      stage: 'Radiomics',
      code: 'ARTIFACT_CORRUPT',
      message:
        /^s3:\/\/sap-studies\/work\/pf-corrupt-mask\/v-[0-9a-f]{16}\/mask\.nii\.gz cannot be used: [A-Z_]+/,
    });
  });

  it('radiomics.json overwritten after Radiomics: Fuse fails with ARTIFACT_CORRUPT', async () => {
    const studyId = 'pf-corrupt-radiomics';
    e2e.stack.faults.set({
      betweenSteps: corruptArtifact(e2e.stack.s3Client, {
        studyId,
        after: 'Radiomics',
        artifact: 'radiomics',
      }),
    });
    await runToFailure(studyId, 'Fuse', 'ARTIFACT_CORRUPT');
    await expectFailedWith(e2e, studyId, {
      stage: 'Fuse',
      code: 'ARTIFACT_CORRUPT',
      message:
        /^s3:\/\/sap-studies\/work\/pf-corrupt-radiomics\/v-[0-9a-f]{16}\/radiomics\.json cannot be used: it is not valid JSON$/,
    });
  });
});
