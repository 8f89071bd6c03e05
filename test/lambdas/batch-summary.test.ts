import { parquetReadObjects } from 'hyparquet';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchKeys, type BatchOutcome } from '../../core/batch/outcome';
import type { BatchSummary } from '../../core/batch/summary';
import { handler as batchSummary } from '../../lambdas/batch-summary/handler';

const s3 = mockClient(S3Client);
const BATCH = 'cohort-2026';
const BUCKET = 'studies';

const outcome = (studyId: string, status: 'COMPLETED' | 'FAILED'): BatchOutcome =>
  status === 'COMPLETED'
    ? {
        status,
        studyId,
        manifestVersion: `v-${studyId}`,
        batchId: BATCH,
        mode: 'features',
        finishedAt: '2026-01-02T03:04:05.000Z',
        model: { name: 'fusion', version: '1' },
        features: { age: 60, effusion: null },
        missing: ['effusion'],
        inferenceSeconds: 4,
      }
    : {
        status,
        studyId,
        manifestVersion: `v-${studyId}`,
        batchId: BATCH,
        mode: 'features',
        finishedAt: '2026-01-02T03:09:00.000Z',
        stage: 'Validate',
        code: 'IMAGE_UNREADABLE',
        message: 'image/ct.nii.gz is not a NIfTI file',
      };

/** The stored objects: two pages of listing, one file that is not JSON, one under another study's key. */
const objects: Record<string, string> = {
  [batchKeys.outcome(BATCH, 's2')]: JSON.stringify(outcome('s2', 'COMPLETED')),
  [batchKeys.outcome(BATCH, 's1')]: JSON.stringify(outcome('s1', 'COMPLETED')),
  [batchKeys.outcome(BATCH, 's3')]: JSON.stringify(outcome('s3', 'FAILED')),
  [batchKeys.outcome(BATCH, 'torn')]: '{"status": "COMPL',
  [batchKeys.outcome(BATCH, 'moved')]: JSON.stringify(outcome('s9', 'COMPLETED')),
};
const keys = Object.keys(objects);

const body = (text: string) => ({ transformToString: async () => text }) as never;
const written = (key: string) => {
  const put = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key);
  if (!put) throw new Error(`${key} was not written`);
  return put.args[0].input;
};

beforeEach(() => {
  s3.reset();
  const prefix = batchKeys.outcomesPrefix(BATCH);
  s3.on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: prefix, ContinuationToken: undefined }).resolves({
    Contents: keys.slice(0, 3).map((Key) => ({ Key })),
    IsTruncated: true,
    NextContinuationToken: 'page-2',
  });
  s3.on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: prefix, ContinuationToken: 'page-2' }).resolves({
    Contents: keys.slice(3).map((Key) => ({ Key })),
    IsTruncated: false,
  });
  for (const [Key, text] of Object.entries(objects))
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key }).resolves({ Body: body(text) });
  s3.on(PutObjectCommand).resolves({});
});

describe('batch summary', () => {
  it('reads every page of outcomes and writes the training table and the summary beside them', async () => {
    const result = await batchSummary({ batchId: BATCH, bucket: BUCKET, startedAt: '2026-01-02T03:00:00Z' });
    expect(result).toEqual({
      batchId: BATCH,
      counts: { total: 3, COMPLETED: 2, FAILED: 1, invalidOutcomes: 2 },
      features: 'batches/cohort-2026/features.csv',
      featuresParquet: 'batches/cohort-2026/features.parquet',
      summary: 'batches/cohort-2026/summary.json',
    });
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(2);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(5);

    const csv = written('batches/cohort-2026/features.csv');
    expect(csv).toMatchObject({ Bucket: BUCKET, ContentType: expect.stringMatching(/^text\/csv/) });
    expect(csv.Body).toBe('studyId,manifestVersion,age,effusion\r\ns1,v-s1,60,\r\ns2,v-s2,60,\r\n');

    const parquet = written('batches/cohort-2026/features.parquet');
    expect(parquet.ContentType).toBe('application/vnd.apache.parquet');
    expect(await parquetReadObjects({ file: (parquet.Body as Uint8Array).slice().buffer })).toEqual([
      { studyId: 's1', manifestVersion: 'v-s1', age: 60, effusion: null },
      { studyId: 's2', manifestVersion: 'v-s2', age: 60, effusion: null },
    ]);

    const summary = JSON.parse(String(written('batches/cohort-2026/summary.json').Body)) as BatchSummary;
    expect(summary).toMatchObject({
      batchId: BATCH,
      mode: 'features',
      model: { name: 'fusion', version: '1' },
      startedAt: '2026-01-02T03:00:00Z',
      finishedAt: '2026-01-02T03:09:00.000Z',
      gpuSeconds: 8,
      // Both completed studies lacked `effusion`; `age` no study lacked is left out.
      missingInputs: { effusion: 2 },
      failures: {
        byCode: { IMAGE_UNREADABLE: 1 },
        byStage: { Validate: { IMAGE_UNREADABLE: 1 } },
        items: [{ item: 's3', stage: 'Validate', code: 'IMAGE_UNREADABLE' }],
      },
    });
    expect(summary.invalidOutcomes.map((i) => [i.key, i.reason.split(':')[0]])).toEqual([
      ['batches/cohort-2026/studies/moved.json', "the outcome of study s9, stored under another study's key"],
      ['batches/cohort-2026/studies/torn.json', 'not JSON'],
    ]);
    expect(summary.cost.gpuSecondsCharged).toBe(8);
    expect(summary.missingInputs).toEqual({ effusion: 2 });
  });

  it('summarises a batch without outcomes as empty outputs', async () => {
    s3.on(ListObjectsV2Command).resolves({ IsTruncated: false });
    const result = await batchSummary({ batchId: 'empty', bucket: BUCKET });
    expect(result.counts).toEqual({ total: 0, COMPLETED: 0, FAILED: 0, invalidOutcomes: 0 });
    const summary = JSON.parse(String(written('batches/empty/summary.json').Body)) as BatchSummary;
    expect(summary.missingInputs).toEqual({});
    expect(written('batches/empty/features.csv').Body).toBe('studyId,manifestVersion\r\n');
  });

  it('refuses an input without a valid batch id, reading nothing', async () => {
    await expect(batchSummary({ batchId: '../x', bucket: BUCKET })).rejects.toThrow(/batchId/);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });
});
