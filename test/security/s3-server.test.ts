import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/stack/local-env';
import { MAX_SEGMENT_BYTES, refuseS3Request } from '../../local/stack/s3-request-guard';
import { startS3, type LocalS3 } from '../../local/stack/s3-server';

const BUCKET = 'sap-studies';
/** A file beside the S3 directory, named as s3rver names an object: what a traversal would read. */
const PLANTED = 'planted._S3rver_object';

let root: string;
let s3: LocalS3;
let client: S3Client;
const events: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-s3-guard-'));
  await writeFile(path.join(root, PLANTED), 'outside the bucket');
  s3 = await startS3({ directory: path.join(root, 's3'), buckets: [BUCKET] });
  s3.onObjectCreated((record) => events.push(record.s3.object.key));
  client = new S3Client({
    endpoint: s3.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
  });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  await rm(root, { recursive: true, force: true });
});

const signer = new SignatureV4({
  service: 's3',
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  sha256: Sha256,
  // The path goes out exactly as written here, encoded or not, as a hostile client would send it.
  uriEscapePath: false,
});

/** A signed request with the path sent byte for byte (fetch and the SDK would normalise `..`). */
async function send(
  method: string,
  rawPath: string,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; code?: string; body: string }> {
  const body = method === 'PUT' ? 'hostile' : '';
  const [pathname = '', search = ''] = rawPath.split('?');
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: s3.port,
    path: pathname,
    query: Object.fromEntries(new URLSearchParams(search)),
    headers: {
      host: `127.0.0.1:${s3.port}`,
      'content-length': String(body.length),
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      ...extraHeaders,
    },
  });
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: s3.port, path: rawPath, method, headers: signed.headers },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1],
            body: text,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Every file under the temporary root, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

const traversals: [string, string][] = [
  ['a literal ../ inside the key', `/${BUCKET}/incoming/../x/manifest.json`],
  ['encoded %2e%2e segments', `/${BUCKET}/incoming/%2e%2e/%2e%2e/%2e%2e/escaped`],
  ['a key that starts with ../', `/${BUCKET}/../../escaped`],
  ['encoded slashes around ..', `/${BUCKET}/a%2F..%2F..%2F..%2Fescaped`],
  ['a bucket named ..', '/%2e%2e/escaped'],
  ['a bucket named .', '/./escaped'],
  ['a "." segment', `/${BUCKET}/incoming/./x`],
];

describe('the local S3 server keeps every object inside its bucket folder', () => {
  it.each(traversals)('refuses %s with a 400 and writes nothing', async (_, rawPath) => {
    const before = await filesUnder(root);
    const answer = await send('PUT', rawPath);
    expect(answer.status).toBe(400);
    expect(answer.code).toBe('InvalidArgument');
    expect(answer.body).toMatch(/not stored locally|is not a bucket name/);
    expect(await filesUnder(root)).toEqual(before);
  });

  it('refuses to read a file outside the bucket, plainly or encoded', async () => {
    for (const rawPath of [`/${BUCKET}/../planted`, `/${BUCKET}/%2e%2e/planted`, `/%2e%2e/planted`]) {
      const answer = await send('GET', rawPath);
      expect(answer.status, rawPath).toBe(400);
      expect(answer.body).not.toContain('outside the bucket');
    }
  });

  it('refuses a copy whose source lies outside the bucket', async () => {
    for (const source of [`${BUCKET}/../planted`, `/${BUCKET}/%2e%2e/planted`, '../planted']) {
      const answer = await send('PUT', `/${BUCKET}/incoming/copy/x`, { 'x-amz-copy-source': source });
      expect(answer.status, source).toBe(400);
      expect(answer.body).toContain('x-amz-copy-source');
    }
    expect((await filesUnder(root)).some((f) => f.includes('copy'))).toBe(false);
  });

  it('refuses multipart ids that would name a folder outside the uploads folder', async () => {
    const badUpload = await send('PUT', `/${BUCKET}/incoming/x/part?partNumber=1&uploadId=..%2F..%2F..%2Fx`);
    expect(badUpload).toMatchObject({ status: 404, code: 'NoSuchUpload' });
    const badPart = await send(
      'PUT',
      `/${BUCKET}/incoming/x/part?partNumber=..%2F..%2Fx&uploadId=${'a'.repeat(32)}`,
    );
    expect(badPart).toMatchObject({ status: 400, code: 'InvalidArgument' });
  });

  it('answers keys it cannot store with a 4xx and a reason, not a 500', async () => {
    const cases: [string, string, string][] = [
      [`/${BUCKET}/incoming/a%00b/manifest.json`, 'InvalidArgument', 'control characters'],
      [`/${BUCKET}/incoming/a%0Ab/manifest.json`, 'InvalidArgument', 'control characters'],
      [`/${BUCKET}/incoming/${'a'.repeat(MAX_SEGMENT_BYTES + 1)}/m`, 'InvalidArgument', 'segments over'],
      [`/${BUCKET}/incoming/${'a/'.repeat(520)}m`, 'KeyTooLongError', 'too long'],
      [`/${BUCKET}/incoming//x`, 'InvalidArgument', 'empty segment'],
      [`/${BUCKET}/incoming/%E0%A4%A`, 'InvalidArgument', 'percent-encoding'],
    ];
    for (const [rawPath, code, reason] of cases) {
      const answer = await send('PUT', rawPath);
      expect(answer.status, rawPath).toBe(400);
      expect(answer.code, rawPath).toBe(code);
      expect(answer.body, rawPath).toContain(reason);
    }
  });

  it('stores odd but harmless keys (spaces, +, unicode) inside the bucket, as S3 does', async () => {
    const keys = [
      'incoming/my study/manifest.json',
      'incoming/a+b/manifest.json',
      'incoming/\u202Etxt.exe/manifest.json',
      'incoming/stu\u200Bdy/manifest.json',
      'incoming/\u0455tudy/manifest.json',
    ];
    for (const key of keys) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
      const read = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await read.Body!.transformToString()).toBe(key);
    }
    expect(events).toEqual(expect.arrayContaining(keys));
    const stored = await filesUnder(root);
    expect(stored.filter((f) => !f.startsWith(path.join('s3', BUCKET) + path.sep))).toEqual([PLANTED]);
  });

  it('refuses a ../ key sent through the AWS SDK, with the reason in the error', async () => {
    await expect(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/../x/manifest.json', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'InvalidArgument', message: expect.stringContaining('".."') });
  });
});

/** PUTs `body` to a URL exactly as given (a client following a presigned URL). */
function putTo(url: string, body: string): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'PUT', headers: { 'content-length': Buffer.byteLength(body) } },
      (r) => {
        let text = '';
        r.on('data', (chunk: Buffer) => (text += chunk.toString()));
        r.on('end', () =>
          resolve({ status: r.statusCode ?? 0, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('presigned URLs hold the key, size and time they were signed for', () => {
  const presign = (key: string, size: number, options: { expiresIn?: number; signingDate?: Date } = {}) =>
    getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentLength: size }), {
      expiresIn: 900,
      ...options,
    });

  it('takes the upload it was signed for', async () => {
    expect(await putTo(await presign('incoming/p-1/clinical.json', 2), '{}')).toMatchObject({ status: 200 });
  });

  it('refuses it for another key, another size, a longer life or after it expired', async () => {
    const url = await presign('incoming/p-2/clinical.json', 2);
    const cases: [string, string, string, string][] = [
      ['another key', url.replace('/p-2/', '/p-3/'), '{}', 'SignatureDoesNotMatch'],
      ['another size', url, '{ }', 'SignatureDoesNotMatch'],
      [
        'a longer life',
        url.replace('X-Amz-Expires=900', 'X-Amz-Expires=3600'),
        '{}',
        'SignatureDoesNotMatch',
      ],
      [
        'no signature date',
        url.replace(/X-Amz-Date=[^&]+/, 'X-Amz-Date=yesterday'),
        '{}',
        'AuthorizationQueryParametersError',
      ],
      [
        'an expired URL',
        await presign('incoming/p-2/clinical.json', 2, {
          expiresIn: 60,
          signingDate: new Date(Date.now() - 120_000),
        }),
        '{}',
        'AccessDenied',
      ],
    ];
    for (const [name, target, body, code] of cases)
      expect(await putTo(target, body), name).toEqual({ status: 403, code });
    await expect(
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'incoming/p-3/clinical.json' })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});

describe('refuseS3Request', () => {
  const line = (rawPath: string, query = '', copySource?: string) =>
    refuseS3Request({ rawPath, query: new URLSearchParams(query), copySource });

  it('passes ordinary requests: the service, a bucket, study keys, folder markers and a valid upload', () => {
    for (const rawPath of ['/', `/${BUCKET}`, `/${BUCKET}/`, `/${BUCKET}/incoming/s-1/image/0001.dcm`])
      expect(line(rawPath), rawPath).toBeUndefined();
    expect(line(`/${BUCKET}/incoming/s-1/`)).toBeUndefined();
    expect(line(`/${BUCKET}/k`, `uploadId=${'0f'.repeat(16)}&partNumber=10000`)).toBeUndefined();
    expect(line(`/${BUCKET}/k`, '', `/${BUCKET}/incoming/s-1/clinical.json`)).toBeUndefined();
  });

  it('refuses part numbers outside 1–10000', () => {
    for (const part of ['0', '10001', '1.5', '-1', ''])
      expect(line(`/${BUCKET}/k`, `uploadId=${'0f'.repeat(16)}&partNumber=${part}`), part).toMatchObject({
        status: 400,
      });
  });
});
