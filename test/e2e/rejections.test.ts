import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest, CLINICAL_FILE, MANIFEST_FILE } from '../../core/ingest/manifest';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { studyKeys } from '../../core/study/keys';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { startE2eStack, type E2eStack } from './local-stack';

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack();
});
afterAll(() => e2e?.close());

/** Passes validation (2 mm in plane, 5 mm slices) but is smaller than one U-Net window. */
const phantom = generatePhantom({ dims: [96, 96, 24], spacing: [2, 2, 5], seed: 3, variant: 'oedematous' });

/** The phantom study with some files replaced, and a manifest that lists them as they are. */
function studyWith(studyId: string, replace: Record<string, Uint8Array>): Record<string, Uint8Array> {
  const files = Object.fromEntries(
    Object.entries({ ...phantomStudyFiles(phantom, 'nifti', studyId), ...replace }).filter(
      ([name]) => name !== MANIFEST_FILE,
    ),
  );
  const manifest = new TextEncoder().encode(JSON.stringify(buildManifest(files, studyId)));
  return { ...files, [MANIFEST_FILE]: manifest };
}

async function expectRejected(studyId: string, files: Record<string, Uint8Array>, codes: string[]) {
  const record = await e2e.run(studyId, files);
  expect(record).toMatchObject({ status: 'FAILED', error: 'INPUT_REJECTED' });
  const item = (
    await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }))
  ).Item!;
  expect(item.status).toBe('FAILED');
  expect(item.error).toMatchObject({ stage: 'Validate', code: 'INPUT_REJECTED' });
  for (const code of codes) expect((item.error as { message: string }).message).toContain(`[${code}]`);
  expect(item.result).toBeUndefined();

  const rejected = await e2e.objects(`rejected/${studyId}/`);
  const reason = JSON.parse(new TextDecoder().decode(rejected.get(studyKeys.rejection(studyId)))) as object;
  expect(reason).toMatchObject({ studyId, stage: 'Validate', code: 'INPUT_REJECTED' });
  // Originals stay as uploaded, byte for byte; nothing was scored.
  const incoming = await e2e.objects(studyKeys.incomingPrefix(studyId));
  expect(
    new Map(
      [...incoming].map(([key, bytes]) => [
        key.slice(studyKeys.incomingPrefix(studyId).length),
        Buffer.from(bytes),
      ]),
    ),
  ).toEqual(new Map(Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes)])));
  expect((await e2e.objects(`work/${studyId}/`)).size).toBe(0);
  expect((await e2e.objects(studyKeys.explanation(studyId))).size).toBe(0);
}

describe('the local stack rejects bad studies with the reason and keeps the originals', () => {
  it("fails a study too small for the U-Net at Infer with the inference container's reason", async () => {
    const studyId = 'e2e-too-small';
    const files = phantomStudyFiles(phantom, 'nifti', studyId);
    expect(await e2e.run(studyId, files)).toMatchObject({ status: 'FAILED', error: 'INFERENCE_FAILED' });
    const item = (
      await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }))
    ).Item!;
    expect(item).toMatchObject({ status: 'FAILED', error: { stage: 'Infer', code: 'INFERENCE_FAILED' } });
    expect((item.error as { message: string }).message).toMatch(/\(422\).*VOLUME_TOO_SMALL/);
    expect(Object.keys(item.stages as object)).toEqual(
      expect.arrayContaining(['VALIDATING', 'INFERRING', 'FAILED']),
    );
    expect((await e2e.objects(studyKeys.incomingPrefix(studyId))).size).toBe(Object.keys(files).length);
  });

  it('fails a study whose image is a truncated gzip (GZIP_CORRUPT)', async () => {
    const nifti = phantomStudyFiles(phantom, 'nifti')['image/ct.nii.gz']!;
    await expectRejected(
      'e2e-bad-image',
      studyWith('e2e-bad-image', { 'image/ct.nii.gz': nifti.slice(0, nifti.length >> 1) }),
      ['GZIP_CORRUPT'],
    );
  });

  it('fails a study whose clinical.json has values of the wrong types (CLINICAL_INVALID)', async () => {
    const clinical = JSON.stringify({
      schemaVersion: 1,
      admission: { age: 'fifty-four', sex: 'female', heartRate: [112] },
    });
    await expectRejected(
      'e2e-bad-clinical',
      studyWith('e2e-bad-clinical', { [CLINICAL_FILE]: new TextEncoder().encode(clinical) }),
      ['CLINICAL_INVALID'],
    );
  });

  // Step Functions keeps at most 32,768 characters of a task failure's cause, and the local runner cuts it
  // there too: https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html
  it('fails a study with hundreds of issues with a capped message that points to the full report', async () => {
    const studyId = 'e2e-many-issues';
    const issues = 300;
    const emptySlices = Object.fromEntries(
      Array.from({ length: issues }, (_, i) => [
        `image/series-0001/slice-${String(i).padStart(4, '0')}-${'a'.repeat(120)}.dcm`,
        new Uint8Array(0),
      ]),
    );
    const record = await e2e.run(studyId, studyWith(studyId, emptySlices));
    expect(record).toMatchObject({ status: 'FAILED', error: 'INPUT_REJECTED' });
    const item = (
      await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }))
    ).Item!;
    expect(item).toMatchObject({ status: 'FAILED', error: { stage: 'Validate', code: 'INPUT_REJECTED' } });
    const message = (item.error as { message: string }).message;
    expect(message).toMatch(/^\[FILE_EMPTY\] image\/series-0001\/slice-0000-a+\.dcm: the file is empty\n/);
    expect(message).toMatch(
      new RegExp(
        `… and \\d+ more issues \\(${issues} in all\\): the full report is rejected/${studyId}/validation\\.json$`,
      ),
    );
    expect(message.length).toBeLessThanOrEqual(6000);
    expect(record.cause).toBe(message);
    // The full report has every issue.
    const report = await e2e.objects(studyKeys.rejectionReport(studyId));
    const full = JSON.parse(new TextDecoder().decode(report.get(studyKeys.rejectionReport(studyId)))) as {
      errors: { code: string }[];
    };
    expect(full.errors).toHaveLength(issues);
    expect(new Set(full.errors.map((e) => e.code))).toEqual(new Set(['FILE_EMPTY']));
  });
});
