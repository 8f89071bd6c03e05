/**
 * The SEG's two steps against a mocked bucket: Validate records dicom-source.json for a DICOM upload only;
 * Fuse writes the run's SEG under its versioned results prefix and its latest copy, and nothing for a NIfTI
 * upload. The handlers log nothing of the record (patient identification).
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dcmjs from 'dcmjs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dicomSourceRecordSchema } from '../../core/imaging/dicom';
import { readNiftiHuVolume } from '../../core/imaging/nifti';
import type { InferenceResult } from '../../core/inference/result';
import type { StudyRun } from '../../core/pipeline/run';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { runSegmentationKey, studyKeys, workKeys } from '../../core/study/keys';
import { publishSegmentation, writeRunSegmentation } from '../../lambdas/fuse/segmentation';
import { logger } from '../../lambdas/shared/logger';
import { handler as validate } from '../../lambdas/validate/handler';
import { UNET } from './seg-case';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const keys = workKeys(run);
const phantom = generatePhantom({ seed: 11, dims: [128, 128, 40], spacing: [2, 2, 5] });

function upload(files: Record<string, Uint8Array>): void {
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
const puts = () =>
  Object.fromEntries(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key!, c.args[0].input]));

const inference = {
  models: { unet: UNET, resnet: { name: 'resnet', version: '1', sha256: 'cd'.repeat(32) } },
  synthetic: true,
  syntheticModels: ['unet', 'resnet'],
} as unknown as InferenceResult;

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  ddb.reset().onAnyCommand().resolves({});
});

describe('Validate: dicom-source.json', () => {
  it('is written for a DICOM upload, one source instance per slice of the normalised volume', async () => {
    upload(phantomStudyFiles(phantom, 'dicom', 's1'));
    const logged = vi.spyOn(logger, 'warn');
    const next = await validate(run);
    expect(next.artifacts.dicomSource).toBe(keys.dicomSource);
    const record = dicomSourceRecordSchema.parse(JSON.parse(String(puts()[keys.dicomSource]!.Body)));
    const volume = readNiftiHuVolume(puts()[keys.volume]!.Body as Uint8Array, 'volume.nii.gz').volume;
    expect(record.slices).toHaveLength(volume.dims[2]);
    expect(record.identification).toMatchObject({
      PatientName: 'PHANTOM^SYNTHETIC',
      PatientID: 'PHANTOM-11',
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('is not written for a NIfTI upload', async () => {
    upload(phantomStudyFiles(phantom, 'nifti', 's1'));
    const next = await validate(run);
    expect(next.artifacts.dicomSource).toBeUndefined();
    expect(Object.keys(puts())).toContain(keys.volume);
    expect(Object.keys(puts())).not.toContain(keys.dicomSource);
  });
});

describe('Fuse: the run SEG and its latest copy', () => {
  async function recordOfPhantom(): Promise<string> {
    upload(phantomStudyFiles(phantom, 'dicom', 's1'));
    await validate(run);
    return String(puts()[keys.dicomSource]!.Body);
  }

  it('writes results/{id}/v-…/pancreas-seg.dcm from the mask, then the latest copy', async () => {
    const record = await recordOfPhantom();
    const volume = readNiftiHuVolume(puts()[keys.volume]!.Body as Uint8Array, 'volume.nii.gz').volume;
    s3.reset().on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: keys.dicomSource }).resolves({
      Body: { transformToString: async () => record } as never,
    });
    s3.on(HeadObjectCommand, { Key: keys.mask }).resolves({ LastModified: new Date('2026-12-06T20:30:15Z') });
    const mask = { dims: volume.dims, affine: volume.affine, data: phantom.mask.data };

    const validated = { ...run, artifacts: { dicomSource: keys.dicomSource } };
    const segmentation = await writeRunSegmentation(validated, mask, inference);
    expect(runSegmentationKey(run)).toMatch(/^results\/s1\/v-[0-9a-f]{16}\/pancreas-seg\.dcm$/);
    expect(puts()[runSegmentationKey(run)]).toMatchObject({
      ContentType: 'application/dicom',
      Body: segmentation,
    });
    const seg = dcmjs.data.DicomMetaDictionary.naturalizeDataset(
      dcmjs.data.DicomMessage.readFile(segmentation!.slice().buffer).dict,
    );
    expect(seg).toMatchObject({ Modality: 'SEG', ContentDate: '20261206', ContentTime: '203015' });
    expect(String(seg.ContentDescription)).toContain('not for clinical use');

    await publishSegmentation(validated, segmentation);
    expect(puts()[studyKeys.segmentation('s1')]).toMatchObject({
      ContentType: 'application/dicom',
      Body: segmentation,
    });
  });

  it('reads and writes nothing for a run whose Validate recorded no dicom-source.json (NIfTI upload)', async () => {
    const mask = { dims: phantom.mask.dims, affine: phantom.mask.affine, data: phantom.mask.data };
    expect(await writeRunSegmentation(run, mask, inference)).toBeUndefined();
    await publishSegmentation(run, undefined);
    expect(s3.calls()).toHaveLength(0);
  });

  it("writes a rescore's SEG again from the kept record: the same bytes as its scoring run's", async () => {
    const record = await recordOfPhantom();
    const volume = readNiftiHuVolume(puts()[keys.volume]!.Body as Uint8Array, 'volume.nii.gz').volume;
    const mask = { dims: volume.dims, affine: volume.affine, data: phantom.mask.data };
    s3.reset().on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: keys.dicomSource }).resolves({
      Body: { transformToString: async () => record } as never,
    });
    s3.on(HeadObjectCommand, { Key: keys.mask }).resolves({ LastModified: new Date('2026-12-06T20:30:15Z') });
    s3.on(HeadObjectCommand, { Key: keys.dicomSource }).resolves({});
    const scored = await writeRunSegmentation(
      { ...run, artifacts: { dicomSource: keys.dicomSource } },
      mask,
      inference,
    );
    // A rescore carries no artifacts: the record is found under its manifest version's work/ prefix.
    const rescored = await writeRunSegmentation({ ...run, mode: 'rescore' }, mask, inference);
    expect(scored?.length).toBeGreaterThan(0);
    expect(rescored).toEqual(scored);
  });

  it('writes no SEG for the rescore of a NIfTI upload (no kept record)', async () => {
    s3.on(HeadObjectCommand, { Key: keys.dicomSource }).rejects(
      new NotFound({ message: 'not found', $metadata: {} }),
    );
    const mask = { dims: phantom.mask.dims, affine: phantom.mask.affine, data: phantom.mask.data };
    expect(await writeRunSegmentation({ ...run, mode: 'rescore' }, mask, inference)).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('skips the SEG when dicom-source.json has expired', async () => {
    s3.on(GetObjectCommand, { Key: keys.dicomSource }).rejects(
      new NoSuchKey({ message: 'no such key', $metadata: {} }),
    );
    const mask = { dims: phantom.mask.dims, affine: phantom.mask.affine, data: phantom.mask.data };
    const validated = { ...run, artifacts: { dicomSource: keys.dicomSource } };
    expect(await writeRunSegmentation(validated, mask, inference)).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
