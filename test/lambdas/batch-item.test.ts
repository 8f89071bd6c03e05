import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchOutcomeSchema } from '../../core/batch/outcome';
import { handler as batchItem } from '../../lambdas/batch-item/handler';

const s3 = mockClient(S3Client);
const base = { batchId: 'cohort-2026', bucket: 'studies' };

beforeEach(() => {
  s3.reset().on(PutObjectCommand).resolves({});
  s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
  s3.on(HeadObjectCommand, { Key: 'incoming/st-1/manifest.json' }).resolves({
    VersionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    ETag: '"0cc175b9c0f1b6a831c399e269772661"',
  });
  s3.on(HeadObjectCommand, { Key: 'incoming/st-2/manifest.json' }).resolves({
    ETag: '"92eb5ffee6ae2fec3ad71c777531578f"',
  });
});

describe('batch item', () => {
  it('turns a list row into the study run of the current manifest version, with the batch settings', async () => {
    const run = await batchItem({
      ...base,
      mode: 'rescore',
      fusionModelVersion: '2',
      item: { studyId: 'st-1' },
    });
    expect(run).toEqual({
      studyId: 'st-1',
      manifestVersion: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
      bucket: 'studies',
      artifacts: {},
      mode: 'rescore',
      batchId: 'cohort-2026',
      fusionModelVersion: '2',
    });
  });

  it('takes an S3 listing row and, in an unversioned bucket, the ETag as events carry it', async () => {
    const run = await batchItem({ ...base, item: { Key: 'incoming/st-2/manifest.json', Size: 120 } });
    expect(run).toMatchObject({
      studyId: 'st-2',
      manifestVersion: '92eb5ffee6ae2fec3ad71c777531578f',
      mode: 'score',
    });
  });

  it.each([
    [{ studyId: '../st-1' }],
    [{ studyId: 'a'.repeat(65) }],
    [{ Key: 'incoming/st-1/image/ct.nii.gz' }],
    [{ patient: 'st-1' }],
  ])('refuses the item %j with INVALID_ITEM and writes nothing', async (item) => {
    await expect(batchItem({ ...base, item })).rejects.toMatchObject({ name: 'INVALID_ITEM' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses a bad batch id or mode with INVALID_BATCH_INPUT', async () => {
    await expect(batchItem({ ...base, batchId: 'a/b', item: { studyId: 'st-1' } })).rejects.toMatchObject({
      name: 'INVALID_BATCH_INPUT',
      message: expect.stringContaining('batchId'),
    });
    await expect(
      batchItem({ ...base, mode: 'train' as never, item: { studyId: 'st-1' } }),
    ).rejects.toMatchObject({ name: 'INVALID_BATCH_INPUT', message: expect.stringContaining('mode') });
  });

  it('fails a study without a manifest with MANIFEST_MISSING and records it as the study outcome', async () => {
    await expect(batchItem({ ...base, item: { studyId: 'st-3' } })).rejects.toMatchObject({
      name: 'MANIFEST_MISSING',
      message: expect.stringContaining('incoming/st-3/manifest.json'),
    });
    const [put] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(put!.Key).toBe('batches/cohort-2026/studies/st-3.json');
    expect(batchOutcomeSchema.parse(JSON.parse(String(put!.Body)))).toMatchObject({
      status: 'FAILED',
      code: 'MANIFEST_MISSING',
      stage: 'BatchItem',
    });
  });
});
