import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ListObjectsCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ListObjectsV2CommandInput,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack/local-env';
import { startS3, type LocalS3 } from '../../local/stack/s3-server';

const BUCKET = 'listing-bucket';
// In S3's order (UTF-8 bytes); s3rver's folder walk would give `p/a/b` before `p/a-b` and `p/a.txt`.
const KEYS = ['p/a', 'p/a-b', 'p/a.txt', 'p/a/b', 'p/a/c', 'p/b', 'p/z', 'p/é', 'p/😀'];
const OTHER = 'q/x';
const SECOND = 'second-bucket';

let root: string;
let s3: LocalS3;
let client: S3Client;
const clientWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new S3Client({ endpoint: s3.endpoint, region: LOCAL_REGION, credentials, forcePathStyle: true });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-list-v2-'));
  s3 = await startS3({ directory: root, buckets: [BUCKET, SECOND] });
  client = clientWith(LOCAL_CREDENTIALS);
  for (const key of [...[...KEYS].reverse(), OTHER])
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Every page of a listing, following NextContinuationToken by hand. */
async function pages(input: ListObjectsV2CommandInput) {
  const all = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ ...input, ContinuationToken: token }));
    all.push(page);
    token = page.NextContinuationToken;
    expect(page.IsTruncated).toBe(token !== undefined);
  } while (token !== undefined && all.length <= KEYS.length + 1);
  return all;
}

describe('local S3 ListObjectsV2', () => {
  it.each([1, 2, 1000])(
    'pages through a prefix %i key(s) at a time, every key once, in order',
    async (max) => {
      const listed = await pages({ Bucket: BUCKET, Prefix: 'p/', MaxKeys: max });
      expect(listed).toHaveLength(Math.ceil(KEYS.length / max));
      expect(listed.flatMap((page) => (page.Contents ?? []).map((o) => o.Key))).toEqual(KEYS);
      for (const [index, page] of listed.entries()) {
        expect(page.MaxKeys).toBe(max);
        expect(page.KeyCount).toBe(page.Contents?.length);
        expect(page.ContinuationToken).toBe(
          index === 0 ? undefined : listed[index - 1]!.NextContinuationToken,
        );
      }
      const first = listed[0]!.Contents![0]!;
      expect(first).toMatchObject({ Key: 'p/a', Size: 3, StorageClass: 'STANDARD' });
      expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    },
  );

  it("gives the SDK's paginator every key once", async () => {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: BUCKET, Prefix: 'p/' }))
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    expect(keys).toEqual(KEYS);
  });

  it('lists after StartAfter, which need not be a key, and echoes it', async () => {
    const listed = await pages({ Bucket: BUCKET, Prefix: 'p/', StartAfter: 'p/a.', MaxKeys: 2 });
    expect(listed[0]!.StartAfter).toBe('p/a.');
    expect(listed.flatMap((page) => (page.Contents ?? []).map((o) => o.Key))).toEqual(KEYS.slice(2));
  });

  it('rolls keys up into common prefixes that count as one entry and are not repeated on the next page', async () => {
    const listed = await pages({ Bucket: BUCKET, Prefix: 'p/', Delimiter: '/', MaxKeys: 4 });
    const entries = listed.map((page) => [
      ...(page.Contents ?? []).map((o) => o.Key),
      ...(page.CommonPrefixes ?? []).map((p) => p.Prefix),
    ]);
    expect(entries).toEqual([
      ['p/a', 'p/a-b', 'p/a.txt', 'p/a/'],
      ['p/b', 'p/z', 'p/é', 'p/😀'],
    ]);
    expect(listed.map((page) => page.KeyCount)).toEqual([4, 4]);
    const root = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/', MaxKeys: 1 }));
    expect(root.CommonPrefixes).toEqual([{ Prefix: 'p/' }]);
    const next = await client.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Delimiter: '/',
        ContinuationToken: root.NextContinuationToken,
      }),
    );
    expect(next.CommonPrefixes).toEqual([{ Prefix: 'q/' }]);
    expect(next.IsTruncated).toBe(false);
  });

  it('answers MaxKeys 0 and an empty prefix with no keys and not truncated', async () => {
    for (const input of [{ MaxKeys: 0 }, { Prefix: 'nothing/' }]) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, ...input }));
      expect(page).toMatchObject({ KeyCount: 0, IsTruncated: false });
      expect(page.Contents).toBeUndefined();
    }
  });

  it("refuses what S3 refuses, in S3's error shape", async () => {
    const refusal = (input: ListObjectsV2CommandInput, s3Client = client) =>
      s3Client.send(new ListObjectsV2Command(input)).then(
        () => undefined,
        (error: unknown) => (error instanceof S3ServiceException ? error.name : error),
      );
    expect(await refusal({ Bucket: BUCKET, ContinuationToken: 'bm90LWEtdG9rZW4' })).toBe('InvalidArgument');
    const [first] = await pages({ Bucket: BUCKET, MaxKeys: 1 });
    // A token names its bucket.
    expect(await refusal({ Bucket: SECOND, ContinuationToken: first!.NextContinuationToken })).toBe(
      'InvalidArgument',
    );
    expect(await refusal({ Bucket: 'no-such-bucket' })).toBe('NoSuchBucket');
    const stranger = clientWith({ accessKeyId: 'SOMEONE', secretAccessKey: 'ELSE' });
    expect(await refusal({ Bucket: BUCKET }, stranger)).toBe('InvalidAccessKeyId');
    stranger.destroy();
  });

  it('leaves ListObjects (v1) to s3rver', async () => {
    const v1 = await client.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'q/' }));
    expect(v1.Contents?.map((o) => o.Key)).toEqual([OTHER]);
  });
});
