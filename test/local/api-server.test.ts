import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../local/api-server';
import { sap } from '../support/sap-cli';
import { startS3, type LocalS3 } from '../../local/stack/s3-server';
import { validateAgainstOpenApi } from '../support/openapi';

const BUCKET = 'sap-studies-local';
// The table is mocked at the client; S3 is the local stack's real protocol server, so the presigned URLs the
// handler hands out are used for real.
const ddb = mockClient(DynamoDBDocumentClient);
let root: string;
let s3server: LocalS3;
let api: ApiServer;
let s3: S3Client;

const item = {
  studyId: 'local-1',
  status: 'VALIDATING',
  manifestVersion: 'v1',
  executionName: 'local-1-abc',
  updatedAt: '2025-03-01T12:00:01.000Z',
  stages: { RECEIVED: '2025-03-01T12:00:00.000Z', VALIDATING: '2025-03-01T12:00:01.000Z' },
};

async function get(pathAndQuery: string, init?: RequestInit) {
  const response = await fetch(api.url + pathAndQuery, init);
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, type: response.headers.get('content-type'), body };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-api-server-'));
  s3server = await startS3({ directory: path.join(root, 's3'), buckets: [BUCKET] });
  // What the local stack gives the handlers; set before the SDK clients are created.
  Object.assign(process.env, {
    STUDIES_TABLE: 'studies-local',
    STUDIES_BUCKET: BUCKET,
    SAP_LOCAL_S3: '1',
    AWS_ENDPOINT_URL_S3: s3server.endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const { startApiServer } = await import('../../local/api-server');
  api = await startApiServer();
  s3 = new S3Client({
    forcePathStyle: true,
    endpoint: s3server.endpoint,
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  await api?.close();
  await s3server?.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  ddb.reset().onAnyCommand().resolves({});
});

describe('local results API server', () => {
  it('answers GET /studies/{studyId} through the handler, as documented', async () => {
    ddb.on(GetCommand, { Key: { studyId: 'local-1' } }).resolves({ Item: item });
    const found = await get('/studies/local-1');
    expect(found).toMatchObject({ status: 200, type: 'application/json' });
    expect(found.body).toMatchObject({ studyId: 'local-1', status: 'VALIDATING' });
    expect(validateAgainstOpenApi('GET', '/studies/local-1', 200, found.body)).toEqual([]);
    const missing = await get('/studies/nobody');
    expect(missing.status).toBe(404);
    expect(validateAgainstOpenApi('GET', '/studies/nobody', 404, missing.body)).toEqual([]);
    // Decoded as API Gateway decodes path parameters: "a/b" is no studyId.
    expect((await get('/studies/a%2Fb')).body).toMatchObject({ error: 'INVALID_STUDY_ID' });
  });

  it('passes the query of GET /studies and returns its next token', async () => {
    const lastKey = { studyId: 'local-1', status: 'VALIDATING', updatedAt: item.updatedAt };
    ddb.on(QueryCommand).resolves({ Items: [item], LastEvaluatedKey: lastKey });
    const page = await get('/studies?status=VALIDATING&limit=2');
    expect(page.status).toBe(200);
    expect(validateAgainstOpenApi('GET', '/studies', 200, page.body)).toEqual([]);
    await get(`/studies?status=VALIDATING&next=${String(page.body.next)}`);
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => [q.Limit, q.ExclusiveStartKey])).toEqual([
      [2, undefined],
      [25, lastKey],
    ]);
    expect((await get('/studies?status=nope')).status).toBe(400);
  });

  it('answers 404 for paths and methods the API does not have', async () => {
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', '/studies/a/b'],
      ['DELETE', '/studies/local-1'],
      ['PUT', '/studies'],
    ] as const) {
      const answer = await get(url, { method });
      expect(answer.status, `${method} ${url}`).toBe(404);
      expect(answer.body).toMatchObject({ error: 'NOT_FOUND' });
    }
  });

  it('serves sap submit: presigned URLs of the local S3, every file stored, the manifest last', async () => {
    const folder = path.join(root, 'study');
    await mkdir(path.join(folder, 'image'), { recursive: true });
    await writeFile(path.join(folder, 'clinical.json'), JSON.stringify({ schemaVersion: 1, admission: {} }));
    await writeFile(path.join(folder, 'image', 'ct.nii.gz'), Buffer.alloc(70_000, 7));
    const created: string[] = [];
    const stop = s3server.onObjectCreated((record) => created.push(record.s3.object.key));
    const { code, out, err } = await sap('submit', folder, '--endpoint', api.url, '--study-id', 'local-2');
    stop();
    expect(err).not.toContain('sap:');
    expect(code).toBe(0);
    expect(out).toBe('local-2');
    expect(created.map(decodeURIComponent)).toEqual([
      expect.stringMatching(/^incoming\/local-2\/(clinical\.json|image\/ct\.nii\.gz)$/),
      expect.stringMatching(/^incoming\/local-2\/(clinical\.json|image\/ct\.nii\.gz)$/),
      'incoming/local-2/manifest.json',
    ]);
    const manifest = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'incoming/local-2/manifest.json' }),
    );
    expect(JSON.parse(await manifest.Body!.transformToString())).toMatchObject({
      schemaVersion: 1,
      studyId: 'local-2',
      files: [
        { path: 'clinical.json', size: expect.any(Number) },
        { path: 'image/ct.nii.gz', size: 70_000 },
      ],
    });
  });

  // Lambda's synchronous response is at most 6 MB
  // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); over it the invocation
  // fails and API Gateway answers 502 (https://repost.aws/knowledge-center/api-gateway-5xx-error).
  it("answers 502, as API Gateway would, when the handler's response is over Lambda's 6 MB", async () => {
    const withResult = (bytes: number) => ({
      ...item,
      status: 'COMPLETED',
      result: { note: 'x'.repeat(bytes) },
    });
    ddb.on(GetCommand, { Key: { studyId: 'huge' } }).resolves({ Item: withResult(6 * 1024 * 1024) });
    ddb.on(GetCommand, { Key: { studyId: 'large' } }).resolves({ Item: withResult(5 * 1024 * 1024) });
    expect(await get('/studies/huge')).toMatchObject({
      status: 502,
      body: { message: 'Internal server error' },
    });
    const large = await get('/studies/large');
    expect(large.status).toBe(200);
    expect((large.body.result as { note: string }).note).toHaveLength(5 * 1024 * 1024);
  });

  it('serves sap status', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    const { code, out } = await sap('status', 'local-1', '--endpoint', api.url, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ studyId: 'local-1', status: 'VALIDATING' });
  });
});
