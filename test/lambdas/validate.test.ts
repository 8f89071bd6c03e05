import { ListObjectsV2Command, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { gunzipSync } from 'node:zlib';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readNiftiHuVolume } from '../../core/imaging/nifti';
import type { StudyRun } from '../../core/pipeline/run';
import { handler as validate } from '../../lambdas/validate/handler';
import { smallCtNifti, study, type StudyFiles } from '../bad-inputs/study-builder';
import { workKeys } from '../../core/study/keys';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const WORK = workKeys(run).prefix;

/** Serves a study folder as incoming/s1/ of the mocked bucket. */
function upload(files: StudyFiles): void {
  const prefix = 'incoming/s1/';
  s3.on(ListObjectsV2Command).resolves({
    Contents: Object.entries(files).map(([p, bytes]) => ({ Key: prefix + p, Size: bytes.byteLength })),
    IsTruncated: false,
  });
  for (const [p, bytes] of Object.entries(files)) {
    s3.on(GetObjectCommand, { Bucket: 'studies', Key: prefix + p }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
}

const putsTo = () =>
  Object.fromEntries(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input]));

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  ddb.reset().onAnyCommand().resolves({});
});

describe('Validate handler', () => {
  it('moves the study to VALIDATING and writes the canonical volume and the clinical record', async () => {
    upload(study({ 'image/ct.nii.gz': smallCtNifti() }, { studyId: 's1' }));
    const next = await validate(run);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':status']).toBe(
      'VALIDATING',
    );
    expect(next.artifacts).toEqual({ volume: `${WORK}volume.nii.gz`, clinical: `${WORK}clinical.json` });
    const puts = putsTo();
    const written = readNiftiHuVolume(puts[`${WORK}volume.nii.gz`]!.Body as Uint8Array, 'volume.nii.gz');
    expect(written.volume.dims).toEqual([24, 24, 20]);
    gunzipSync(puts[`${WORK}volume.nii.gz`]!.Body as Uint8Array); // a real gzip stream
    const clinical = JSON.parse(String(puts[`${WORK}clinical.json`]!.Body)) as {
      clinical: { admission: { age: number } };
    };
    expect(clinical.clinical.admission.age).toBe(54);
    expect(Object.keys(puts).every((key) => !key.startsWith('incoming/'))).toBe(true);
  });

  it('rejects with INPUT_REJECTED listing every issue, and stores the report beside the originals', async () => {
    upload(
      study(
        {},
        { clinical: new TextEncoder().encode('{"schemaVersion": 1, "admission": {"temperature": 98.6}}') },
      ),
    );
    const rejection = validate(run);
    await expect(rejection).rejects.toMatchObject({ name: 'INPUT_REJECTED' });
    const message = await rejection.catch((e: Error) => e.message);
    expect(message).toContain('[NO_IMAGE]');
    expect(message).toContain('[CLINICAL_OUT_OF_RANGE] clinical.json');
    const report = JSON.parse(String(putsTo()['rejected/s1/validation.json']!.Body)) as { ok: boolean };
    expect(report.ok).toBe(false);
    expect(Object.keys(putsTo())).toEqual(['rejected/s1/validation.json']);
  });
});
