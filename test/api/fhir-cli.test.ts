import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { riskAssessment } from '../../core/fhir';
import { resultKeys, studyKeys } from '../../core/study/keys';
import type { ApiServer } from '../../local/api-server';
import { startS3, type LocalS3 } from '../../local/stack/s3-server';
import { assessedStudy } from '../fhir/assessed-study';
import { fhirSchemaErrors } from '../support/fhir-schema';
import { sap } from '../support/sap-cli';

const BUCKET = 'sap-studies-local';
// The table is mocked at the client; S3 is the local stack's own server and the API the local one, so the
// handler's read goes through S3's protocol (a missing key is NoSuchKey) and its IAM check.
const ddb = mockClient(DynamoDBDocumentClient);
let root: string;
let s3server: LocalS3;
let api: ApiServer;
let s3: S3Client;

const study = (studyId: string, status: string) => ({
  studyId,
  status,
  manifestVersion: `v1.${studyId}`,
  executionName: `${studyId}-abc`,
  updatedAt: '2026-12-06T20:00:02.000Z',
  stages: { RECEIVED: '2026-12-06T20:00:00.000Z', [status]: '2026-12-06T20:00:02.000Z' },
});
const done = study('local-done', 'COMPLETED');
const stored = { ...riskAssessment({ ...assessedStudy(), studyId: done.studyId }) };
const storedJson = JSON.stringify(stored, null, 2);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-fhir-'));
  s3server = await startS3({ directory: path.join(root, 's3'), buckets: [BUCKET] });
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
  s3 = new S3Client({ forcePathStyle: true, endpoint: s3server.endpoint });
  // As Fuse writes it: the manifest version's file, and the latest copy, which the API does not serve.
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: resultKeys(done).riskAssessment, Body: storedJson }),
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: studyKeys.riskAssessment(done.studyId),
      Body: '{"stale":1}',
    }),
  );
});
afterAll(async () => {
  await api?.close();
  await s3server?.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  ddb.reset().onAnyCommand().resolves({});
});

describe('GET /studies/{studyId}/fhir on the local API', () => {
  it("answers the manifest version's RiskAssessment as application/fhir+json", async () => {
    ddb.on(GetCommand, { Key: { studyId: done.studyId } }).resolves({ Item: done });
    const response = await fetch(`${api.url}/studies/${done.studyId}/fhir`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+json');
    expect(await response.text()).toBe(storedJson);
  });
});

describe('sap status --fhir', () => {
  it('prints the RiskAssessment, valid FHIR R4, and exits 0', async () => {
    ddb.on(GetCommand, { Key: { studyId: done.studyId } }).resolves({ Item: done });
    const { code, out, err } = await sap('status', done.studyId, '--endpoint', api.url, '--fhir');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(stored);
    expect(fhirSchemaErrors(JSON.parse(out))).toEqual([]);
  });

  it('exits 1 with the API error for a study not COMPLETED or completed before FHIR output', async () => {
    const running = study('local-run', 'INFERRING');
    const older = study('local-old', 'COMPLETED');
    ddb.on(GetCommand, { Key: { studyId: running.studyId } }).resolves({ Item: running });
    ddb.on(GetCommand, { Key: { studyId: older.studyId } }).resolves({ Item: older });
    const notDone = await sap('status', running.studyId, '--endpoint', api.url, '--fhir');
    expect(notDone).toMatchObject({ code: 1, out: '' });
    expect(notDone.err).toContain(
      'the results API answered HTTP 404: study local-run is INFERRING: only a COMPLETED study has a FHIR RiskAssessment',
    );
    const old = await sap('status', older.studyId, '--endpoint', api.url, '--fhir', '--json');
    expect(old).toMatchObject({ code: 1, out: '' });
    expect(JSON.parse(old.err)).toMatchObject({ error: { code: 'NO_RISK_ASSESSMENT' } });
  });

  it('without --fhir prints the study as before', async () => {
    ddb.on(GetCommand, { Key: { studyId: done.studyId } }).resolves({ Item: done });
    const { code, out } = await sap('status', done.studyId, '--endpoint', api.url, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ studyId: done.studyId, status: 'COMPLETED' });
  });
});
