import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resultKeys, studyKeys } from '../../core/study/keys';
import { handler } from '../../lambdas/api/handler';
import type { StudyItem } from '../../lambdas/shared/studies-table';
import { fhirSchemaErrors } from '../support/fhir-schema';
import { documentedResponses, openApiDocument, validateAgainstOpenApi } from '../support/openapi';
import { FUSION_ENV, storedStudies } from './stored-studies';

vi.hoisted(() => {
  Object.assign(process.env, {
    STUDIES_TABLE: 'studies-test',
    STUDIES_BUCKET: 'sap-studies-test',
    MODELS_BUCKET: 'sap-models-test',
    XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sap',
  });
  delete process.env.SAP_LOCAL_S3;
});

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const covered = new Set<string>();
let studies: Awaited<ReturnType<typeof storedStudies>>;
/** What the Fuse step put for the completed study: key → body and content type. */
const fusePuts = new Map<string, { body: string; contentType: string | undefined }>();

const ONE = '/studies/{studyId}';
const MANY = '/studies';
const event = (httpMethod: string, resource: string, rest: Partial<APIGatewayProxyEvent> = {}) =>
  ({
    httpMethod,
    resource,
    pathParameters: null,
    queryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    ...rest,
  }) as APIGatewayProxyEvent;
const getOne = (studyId: string) => event('GET', ONE, { pathParameters: { studyId } });
const list = (query: Record<string, string>) => event('GET', MANY, { queryStringParameters: query });
const post = (body: unknown) =>
  event('POST', MANY, { body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Calls the real handler and checks its answer against the document. */
async function call(request: APIGatewayProxyEvent, status: number): Promise<Record<string, unknown>> {
  const response: APIGatewayProxyResult = await handler(request);
  expect(response.statusCode).toBe(status);
  expect(response.headers?.['content-type']).toBe('application/json');
  expect(validateAgainstOpenApi(request.httpMethod, request.resource, status, response.body)).toEqual([]);
  covered.add(`${request.httpMethod} ${request.resource} ${status}`);
  return JSON.parse(response.body) as Record<string, unknown>;
}

beforeAll(async () => {
  expect(FUSION_ENV.MODELS_BUCKET).toBe(process.env.MODELS_BUCKET);
  ddb.reset().onAnyCommand().resolves({});
  studies = await storedStudies(ddb, s3);
  for (const put of s3.commandCalls(PutObjectCommand)) {
    const { Key, Body, ContentType } = put.args[0].input;
    fusePuts.set(Key!, { body: String(Body), contentType: ContentType });
  }
});

beforeEach(() => {
  ddb.reset().onAnyCommand().resolves({});
  s3.reset().onAnyCommand().resolves({});
  sfn.reset().onAnyCommand().resolves({});
});

describe('docs/openapi.yaml', () => {
  it('is OpenAPI 3.1 with SigV4 security on every operation', () => {
    expect(openApiDocument.openapi).toMatch(/^3\.1\./);
    const doc = openApiDocument as unknown as {
      security: object[];
      components: { securitySchemes: Record<string, { 'x-amazon-apigateway-authtype'?: string }> };
    };
    expect(doc.security).toEqual([{ sigv4: [] }]);
    expect(doc.components.securitySchemes.sigv4?.['x-amazon-apigateway-authtype']).toBe('awsSigv4');
  });

  it('holds a result to its missing inputs and synthetic marks', () => {
    const { studyId, status, manifestVersion, updatedAt, stages, result } = studies.completed;
    const errors = (changed: Record<string, unknown>) =>
      validateAgainstOpenApi('GET', '/studies/s1', 200, {
        ...{ studyId, status, manifestVersion, updatedAt, stages },
        result: { ...(result as object), ...changed },
      }).join('\n');
    expect(errors({})).toBe('');
    expect(errors({ missingInputs: [{ feature: 'crp', source: 'lab', path: 'crp', reason: 'x' }] })).toMatch(
      /missingInputs\/0\/source must be equal to one of the allowed values/,
    );
    expect(
      errors({ missingInputs: [{ feature: 'crp', source: 'clinical', path: 'admission.crp' }] }),
    ).toMatch(/must have required property 'reason'/);
    expect(errors({ syntheticModels: ['vit'] })).toMatch(/syntheticModels\/0 must be equal to one of/);
    expect(errors({ synthetic: 'yes' })).toMatch(/synthetic must be boolean/);
  });

  it('rejects a body that breaks it, so the checks below mean something', () => {
    const study = { studyId: 's1', status: 'DONE', manifestVersion: 'v', updatedAt: 'x', stages: {} };
    const errors = validateAgainstOpenApi('GET', '/studies/s1', 200, study);
    expect(errors.join('\n')).toMatch(/\/status must be equal to one of the allowed values/);
    expect(errors.join('\n')).toMatch(/\/updatedAt must match format "date-time"/);
    expect(validateAgainstOpenApi('GET', '/studies/s1', 418, {})).toEqual([
      'GET /studies/s1 → 418: this status (with a JSON body) is not documented',
    ]);
    expect(validateAgainstOpenApi('DELETE', '/studies/s1', 200, {})[0]).toMatch(/no such operation/);
  });
});

describe('GET /studies/{studyId}', () => {
  it.each(['received', 'inferring', 'completed', 'failed'] as const)(
    '200: a %s study as the pipeline stores it',
    async (which) => {
      const item: StudyItem = studies[which];
      ddb.on(GetCommand).resolves({ Item: item });
      const body = await call(getOne(item.studyId), 200);
      expect(body.studyId).toBe(item.studyId);
      expect(body).not.toHaveProperty('executionName');
    },
  );

  it('200: the completed study carries the probability, its factors, the scores and the model', async () => {
    ddb.on(GetCommand).resolves({ Item: studies.completed });
    const body = await call(getOne(studies.completed.studyId), 200);
    expect(body).toMatchObject({
      status: 'COMPLETED',
      result: {
        riskLevel: expect.stringMatching(/^(low|moderate|high)$/),
        riskThresholds: { moderate: 0.3, high: 0.6 },
        model: { name: 'sap-fusion-demo', version: 'demo-1' },
        label: expect.stringContaining('not for clinical use'),
        // The stored inference.json is empty: the demo fusion model is the one synthetic model it knows of.
        synthetic: true,
        syntheticModels: ['xgboost'],
        notice: 'Synthetic demo model, not for clinical use: fusion model sap-fusion-demo demo-1.',
        missingFeatures: ['dl_probability'],
        missingInputs: [
          {
            feature: 'dl_probability',
            source: 'inference',
            path: 'probability',
            reason: 'inference.json has no probability',
          },
        ],
        scores: { bisap: { name: 'BISAP' }, ranson: { name: 'Ranson' }, mctsi: { name: 'MCTSI' } },
      },
    });
    expect(Object.keys(body.stages as object)).toHaveLength(6);
    expect(body.reportUrl).toMatch(/\/results\/done-0002\/v-[0-9a-f]{16}\/report\.html\?.*X-Amz-Expires=900/);
    expect(body.reportUrl).not.toMatch(/checksum/i);
  });

  it('200: the failed study carries the stage, code and message', async () => {
    ddb.on(GetCommand).resolves({ Item: studies.failed });
    const body = await call(getOne(studies.failed.studyId), 200);
    expect(body.error).toEqual({
      stage: 'Validate',
      code: 'INPUT_REJECTED',
      message: expect.stringContaining('[MANIFEST_SIZE_MISMATCH]'),
    });
    expect(body.reportUrl).toMatch(/report\.html/);
  });

  it('400 for a malformed id, without reading the table', async () => {
    for (const id of ['a.b', '', 'x'.repeat(65), 'inference#abc']) {
      expect(await call(getOne(id), 400)).toMatchObject({ error: 'INVALID_STUDY_ID' });
    }
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('404 for an unknown id', async () => {
    expect(await call(getOne('nobody-here'), 404)).toMatchObject({ error: 'NOT_FOUND' });
  });

  it('500 with a generic message when the table fails, nothing of the cause', async () => {
    const cause = new Error('ResourceNotFoundException: table studies-test arn:aws:dynamodb:secret');
    ddb.on(GetCommand).rejects(cause);
    const body = await call(getOne('s1'), 500);
    expect(body.error).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toMatch(/secret|arn:|studies-test|at .*\.ts/);
  });
});

describe('GET /studies', () => {
  const lastKey = (item: StudyItem) => ({
    studyId: item.studyId,
    status: item.status,
    updatedAt: item.updatedAt,
  });

  it('200: a page with a next token, then the last page without one', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [studies.completed], LastEvaluatedKey: lastKey(studies.completed) })
      .resolvesOnce({ Items: [] });
    const first = await call(list({ status: 'COMPLETED', limit: '1' }), 200);
    expect(first.next).toEqual(expect.any(String));
    const last = await call(list({ status: 'COMPLETED', next: first.next as string }), 200);
    expect(last).toEqual({ studies: [] });
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries[0]).toMatchObject({ Limit: 1, ScanIndexForward: false });
    expect(queries[1]).toMatchObject({ Limit: 25, ExclusiveStartKey: lastKey(studies.completed) });
  });

  it('400 for a missing or unknown status, a bad limit, or a next token not handed out for this status', async () => {
    ddb.on(QueryCommand).resolves({ Items: [studies.failed], LastEvaluatedKey: lastKey(studies.failed) });
    const failedNext = (await call(list({ status: 'FAILED' }), 200)).next as string;
    const forged = Buffer.from(JSON.stringify({ studyId: 'x', status: 'FAILED', evil: 1 })).toString(
      'base64url',
    );
    ddb.resetHistory();
    const queries: Record<string, string>[] = [
      {},
      { status: 'DONE' },
      { status: 'FAILED', limit: '0' },
      { status: 'FAILED', limit: '101' },
      { status: 'FAILED', limit: 'ten' },
      { status: 'FAILED', next: '!!' },
      { status: 'FAILED', next: forged },
      { status: 'COMPLETED', next: failedNext },
      { status: 'FAILED', cursor: failedNext, next: '' },
    ];
    for (const query of queries) {
      expect(await call(list(query), 400), JSON.stringify(query)).toMatchObject({ error: 'INVALID_QUERY' });
    }
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('500 with a generic message when the query fails', async () => {
    ddb.on(QueryCommand).rejects(new Error('ValidationException: The provided starting key is invalid'));
    expect(await call(list({ status: 'FAILED' }), 500)).toMatchObject({ error: 'INTERNAL_ERROR' });
  });
});

describe('POST /studies', () => {
  const files = [
    { path: 'clinical.json', size: 1834 },
    { path: 'image/ct.nii.gz', size: 41820388, sha256: 'ab'.repeat(32) },
  ];

  it('201: a fresh studyId and one presigned URL per file, the manifest last', async () => {
    const body = await call(post({ files }), 201);
    const uploads = body.uploads as { path: string; url: string }[];
    expect(uploads.map((u) => u.path)).toEqual(['clinical.json', 'image/ct.nii.gz', 'manifest.json']);
    expect(s3.calls()).toHaveLength(0);
  });

  it('201: the studyId the client names', async () => {
    expect(await call(post({ studyId: 'hosp-2025-0117', files }), 201)).toMatchObject({
      studyId: 'hosp-2025-0117',
    });
  });

  it('400 for a body that is not JSON, not the shape, or a listing the manifest rules refuse', async () => {
    await call(post('{"files": ['), 400);
    await call(post({ imageFiles: ['a.dcm'] }), 400);
    await call(post({ files, studyId: '../x' }), 400);
    const refused = await call(post({ files: [{ path: 'image/a.dcm', size: 5 }] }), 400);
    expect(refused.issues).toEqual([expect.objectContaining({ code: 'MANIFEST_INVALID', field: 'files' })]);
  });

  it('500 when the function is misconfigured, saying nothing of it', async () => {
    const bucket = process.env.STUDIES_BUCKET;
    delete process.env.STUDIES_BUCKET;
    try {
      const body = await call(post({ files }), 500);
      expect(JSON.stringify(body)).not.toContain('STUDIES_BUCKET');
    } finally {
      process.env.STUDIES_BUCKET = bucket;
    }
  });
});

describe('GET /studies/{studyId}/fhir', () => {
  const FHIR = '/studies/{studyId}/fhir';
  const getFhir = (studyId: string) => event('GET', FHIR, { pathParameters: { studyId } });
  const serveObject = (key: string, text: string) =>
    s3.on(GetObjectCommand, { Bucket: 'sap-studies-test', Key: key }).resolves({
      Body: { transformToByteArray: async () => new TextEncoder().encode(text) } as never,
    });

  it("Fuse wrote the RiskAssessment beside the report: its manifest version's, then the latest", () => {
    const completed = studies.completed;
    const versioned = fusePuts.get(resultKeys(completed).riskAssessment);
    expect(versioned?.contentType).toBe('application/fhir+json');
    expect(fusePuts.get(studyKeys.riskAssessment(completed.studyId))).toEqual(versioned);
    expect(fhirSchemaErrors(JSON.parse(versioned!.body))).toEqual([]);
  });

  it("200: the completed study's RiskAssessment as application/fhir+json, from its manifest version", async () => {
    const completed = studies.completed;
    ddb.on(GetCommand).resolves({ Item: completed });
    const stored = fusePuts.get(resultKeys(completed).riskAssessment)!.body;
    serveObject(resultKeys(completed).riskAssessment, stored);
    const response = await handler(getFhir(completed.studyId));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/fhir+json');
    expect(response.body).toBe(stored);
    const resource = JSON.parse(response.body) as Record<string, unknown>;
    expect(fhirSchemaErrors(resource)).toEqual([]);
    const documented = openApiDocument.paths[FHIR]?.get?.responses['200']?.content?.['application/fhir+json'];
    expect(documented?.schema).toEqual({ $ref: '#/components/schemas/FhirRiskAssessment' });
    const result = completed.result as { probability: number };
    expect(resource).toMatchObject({
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { identifier: { system: 'urn:sap-pipeline:study-id', value: completed.studyId } },
      prediction: [{ probabilityDecimal: result.probability }],
    });
    covered.add(`GET ${FHIR} 200`);
  });

  it('400 for a malformed id, without reading the table', async () => {
    expect(await call(getFhir('a.b'), 400)).toMatchObject({ error: 'INVALID_STUDY_ID' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('404 for an unknown study, one not COMPLETED, or one completed before FHIR output', async () => {
    expect(await call(getFhir('nobody-here'), 404)).toMatchObject({ error: 'NOT_FOUND' });
    for (const which of ['received', 'inferring', 'failed'] as const) {
      ddb.on(GetCommand).resolves({ Item: studies[which] });
      expect(await call(getFhir(studies[which].studyId), 404)).toEqual({
        error: 'STUDY_NOT_COMPLETED',
        message: `study ${studies[which].studyId} is ${studies[which].status}: only a COMPLETED study has a FHIR RiskAssessment`,
      });
    }
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    ddb.on(GetCommand).resolves({ Item: studies.completed });
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    const old = await call(getFhir(studies.completed.studyId), 404);
    expect(old).toMatchObject({ error: 'NO_RISK_ASSESSMENT', message: expect.stringContaining('/rescore') });
  });

  it('500 with a generic message when S3 refuses the read, nothing of the cause', async () => {
    ddb.on(GetCommand).resolves({ Item: studies.completed });
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'User arn:aws:sts::123456789012:assumed-role/secret is not authorized',
    });
    s3.on(GetObjectCommand).rejects(denied);
    const body = await call(getFhir(studies.completed.studyId), 500);
    expect(body.error).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toMatch(/secret|arn:/);
  });
});

describe('POST /studies/{studyId}/rescore', () => {
  const RESCORE = '/studies/{studyId}/rescore';
  const rescore = (studyId: string, body: unknown) =>
    event('POST', RESCORE, {
      pathParameters: { studyId },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const modelMissing = () => new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });

  it('202: the execution that rescores the study, the same name for a repeated request', async () => {
    ddb.on(GetCommand).resolves({ Item: studies.completed });
    const started = await call(rescore(studies.completed.studyId, { modelVersion: 'demo-2' }), 202);
    expect(started).toMatchObject({ studyId: studies.completed.studyId, modelVersion: 'demo-2' });
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const repeated = await call(rescore(studies.completed.studyId, { modelVersion: 'demo-2' }), 202);
    expect(repeated.executionName).toBe(started.executionName);
  });

  it('200 afterwards: GET shows the rescore, and the new result what it replaced', async () => {
    const result = { ...studies.completed.result, rescoredFrom: 'demo-1' };
    const at = '2025-03-02T08:00:00.000Z';
    const rescored: StudyItem = {
      ...studies.completed,
      result,
      rescore: { modelVersion: 'demo-2', status: 'COMPLETED', at },
    };
    ddb.on(GetCommand).resolves({ Item: rescored });
    expect(await call(getOne(rescored.studyId), 200)).toMatchObject({
      rescore: { status: 'COMPLETED' },
      result: { rescoredFrom: 'demo-1' },
    });
    const failed: StudyItem = {
      ...studies.completed,
      rescore: {
        modelVersion: 'demo-3',
        status: 'FAILED',
        at,
        error: { stage: 'Fuse', code: 'ARTIFACTS_MISSING', message: 'work/ expired' },
      },
    };
    ddb.on(GetCommand).resolves({ Item: failed });
    expect(await call(getOne(failed.studyId), 200)).toMatchObject({ rescore: { status: 'FAILED' } });
  });

  it('400 for a malformed id or body, before reading anything', async () => {
    expect(await call(rescore('a/b', { modelVersion: 'demo-2' }), 400)).toMatchObject({
      error: 'INVALID_STUDY_ID',
    });
    for (const body of [
      '{',
      {},
      { modelVersion: '../x' },
      { modelVersion: '..' },
      { modelVersion: 'v', x: 1 },
    ])
      expect(await call(rescore('s1', body), 400), JSON.stringify(body)).toMatchObject({
        error: 'INVALID_BODY',
      });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('404 for an unknown study or model version, 409 for a study that is not COMPLETED', async () => {
    expect(await call(rescore('nobody-here', { modelVersion: 'demo-2' }), 404)).toMatchObject({
      error: 'NOT_FOUND',
    });
    ddb.on(GetCommand).resolves({ Item: studies.inferring });
    expect(await call(rescore(studies.inferring.studyId, { modelVersion: 'demo-2' }), 409)).toMatchObject({
      error: 'STUDY_NOT_COMPLETED',
    });
    ddb.on(GetCommand).resolves({ Item: studies.completed });
    s3.on(HeadObjectCommand).rejects(modelMissing());
    expect(await call(rescore(studies.completed.studyId, { modelVersion: 'v9' }), 404)).toMatchObject({
      error: 'MODEL_NOT_FOUND',
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('500 when Step Functions refuses, saying nothing of it', async () => {
    ddb.on(GetCommand).resolves({ Item: studies.completed });
    sfn.on(StartExecutionCommand).rejects(new Error('AccessDeniedException: arn:aws:states:secret'));
    const body = await call(rescore(studies.completed.studyId, { modelVersion: 'demo-2' }), 500);
    expect(JSON.stringify(body)).not.toMatch(/secret|arn:/);
  });
});

it('every documented response of the handler was produced and checked', () => {
  const documented = documentedResponses().map((r) => `${r.method} ${r.path} ${r.status}`);
  expect([...covered].sort()).toEqual(documented.sort());
});
