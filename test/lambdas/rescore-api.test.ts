import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StudyRun } from '../../core/pipeline/run';
import { rescoreExecutionName } from '../../core/study/rescore-execution';
import { executionNameFor } from '../../core/study/study-id';
import { handler as api } from '../../lambdas/api/handler';
import type { StudyItem } from '../../lambdas/shared/studies-table';
import { toProxyEvent } from '../../local/api-event';

const ENV = vi.hoisted(() => {
  const env = {
    STUDIES_TABLE: 'studies-test',
    STUDIES_BUCKET: 'sap-studies-test',
    MODELS_BUCKET: 'sap-models-test',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sap',
  };
  Object.assign(process.env, env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  delete process.env.SAP_LOCAL_S3;
  return env;
});

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

const completed: StudyItem = {
  studyId: 's1',
  status: 'COMPLETED',
  manifestVersion: 'manifest-v7',
  executionName: executionNameFor('s1', 'manifest-v7'),
  updatedAt: '2025-03-01T12:05:00.000Z',
  stages: { COMPLETED: '2025-03-01T12:05:00.000Z' },
  result: { probability: 0.7, model: { name: 'sap-fusion', version: '1', sha256: 'ab'.repeat(32) } },
};
const rescore = (studyId: string, modelVersion: string): APIGatewayProxyEvent => {
  const event: Partial<APIGatewayProxyEvent> = {
    httpMethod: 'POST',
    resource: '/studies/{studyId}/rescore',
    pathParameters: { studyId },
    queryStringParameters: null,
    body: JSON.stringify({ modelVersion }),
    isBase64Encoded: false,
  };
  return event as APIGatewayProxyEvent;
};
async function call(request: APIGatewayProxyEvent) {
  const response = await api(request);
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}
const started = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

beforeEach(() => {
  ddb.reset().onAnyCommand().resolves({});
  s3.reset().onAnyCommand().resolves({});
  sfn.reset().onAnyCommand().resolves({});
});

describe('POST /studies/{studyId}/rescore', () => {
  it('checks the card of the version asked for, then starts the study state machine in rescore mode', async () => {
    ddb.on(GetCommand).resolves({ Item: completed });
    const { status, body } = await call(rescore('s1', '2025-11'));
    expect(status).toBe(202);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      TableName: ENV.STUDIES_TABLE,
      Key: { studyId: 's1' },
    });
    expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: ENV.MODELS_BUCKET, Key: 'models/xgboost/2025-11/model-card.json' },
    ]);
    const [start] = started();
    expect(start!.stateMachineArn).toBe(ENV.STATE_MACHINE_ARN);
    expect(JSON.parse(start!.input!) as StudyRun).toEqual({
      studyId: 's1',
      manifestVersion: 'manifest-v7',
      bucket: ENV.STUDIES_BUCKET,
      artifacts: {},
      mode: 'rescore',
      fusionModelVersion: '2025-11',
    });
    expect(body).toEqual({ studyId: 's1', executionName: start!.name, modelVersion: '2025-11' });
    expect(start!.name).toMatch(/^s1-r[0-9a-f]{14}$/);
    expect(start!.name).not.toBe(completed.executionName);
  });

  it('names a new execution once the study changed, the same one while it has not', async () => {
    const nameFor = async (item: StudyItem, version = '2') => {
      ddb.on(GetCommand).resolves({ Item: item });
      return (await call(rescore(item.studyId, version))).body.executionName;
    };
    const first = await nameFor(completed);
    expect(await nameFor(completed)).toBe(first);
    expect(await nameFor(completed, '3')).not.toBe(first);
    // After that rescore ended (either way) the same request is a new run: a failed one can be retried.
    const afterFailure = { ...completed, rescore: { modelVersion: '2', status: 'FAILED' as const, at: 'x' } };
    expect(await nameFor(afterFailure)).not.toBe(first);
    expect(await nameFor({ ...completed, manifestVersion: 'manifest-v8' })).not.toBe(first);
  });

  it('starts nothing for a study that is not COMPLETED or a version without a card', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...completed, status: 'SCORING' } });
    expect(await call(rescore('s1', '2'))).toMatchObject({
      status: 409,
      body: { error: 'STUDY_NOT_COMPLETED', message: expect.stringContaining('SCORING') },
    });
    ddb.on(GetCommand).resolves({ Item: completed });
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    expect(await call(rescore('s1', '2'))).toMatchObject({
      status: 404,
      body: {
        error: 'MODEL_NOT_FOUND',
        message: expect.stringContaining('models/xgboost/2/model-card.json'),
      },
    });
    expect(started()).toEqual([]);
  });

  it('answers 500 when the models bucket refuses the check (not a missing model)', async () => {
    ddb.on(GetCommand).resolves({ Item: completed });
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'AccessDenied' }));
    expect((await call(rescore('s1', '2'))).status).toBe(500);
    expect(started()).toEqual([]);
  });
});

describe('rescoreExecutionName', () => {
  it('fits Step Functions names for the longest study id', () => {
    const name = rescoreExecutionName({
      studyId: 'x'.repeat(64),
      manifestVersion: 'v'.repeat(1024),
      modelVersion: 'm'.repeat(64),
    });
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name).toHaveLength(80);
  });

  it('refuses an id that is not a study id', () => {
    expect(() => rescoreExecutionName({ studyId: 'a/b', manifestVersion: 'v', modelVersion: '2' })).toThrow(
      /invalid study id/,
    );
  });
});

describe('the local results API', () => {
  it('routes POST /studies/{studyId}/rescore to the same resource as API Gateway', () => {
    const event = toProxyEvent({
      method: 'POST',
      url: new URL('http://127.0.0.1/studies/s%2D1/rescore'),
      headers: {},
      sourceIp: '127.0.0.1',
      body: '{"modelVersion":"2"}',
    });
    expect(event).toMatchObject({
      httpMethod: 'POST',
      resource: '/studies/{studyId}/rescore',
      pathParameters: { studyId: 's-1' },
    });
  });
});
