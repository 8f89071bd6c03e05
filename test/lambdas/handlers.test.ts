import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointAsyncCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import type { StudyRun } from '../../core/pipeline/run';
import { isStudyId, executionNameFor } from '../../core/study/study-id';
import { handler as api } from '../../lambdas/api/handler';
import { handler as infer } from '../../lambdas/infer/handler';
import { handler as inferenceCallback } from '../../lambdas/inference-callback/handler';
import { handler as recordFailure } from '../../lambdas/record-failure/handler';
import { handler as startStudy } from '../../lambdas/start-study/handler';
import { handler as watchdog } from '../../lambdas/watchdog/handler';
import { workKeys } from '../../core/study/keys';

const ENV = vi.hoisted(() => {
  const env = {
    STUDIES_TABLE: 'studies-test',
    STUDIES_BUCKET: 'sap-studies-test',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sap',
    INFERENCE_ENDPOINT: 'sap-inference-test',
  };
  Object.assign(process.env, env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  delete process.env.SAP_LOCAL_S3;
  return env;
});

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const sagemaker = mockClient(SageMakerRuntimeClient);

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const bucket = ENV.STUDIES_BUCKET;
const table = ENV.STUDIES_TABLE;
const work = (file: string) => `${WORK}${file}`;
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket, artifacts: {} };
const WORK = workKeys(run).prefix;
const inputOf = <T>(calls: { args: [{ input: T }] }[], i = 0): T => {
  const call = calls[i];
  if (!call) throw new Error(`no call #${i}`);
  return call.args[0].input;
};

beforeEach(() => {
  ddb.reset().onAnyCommand().resolves({});
  s3.reset().onAnyCommand().resolves({});
  sfn.reset().onAnyCommand().resolves({});
  sagemaker.reset().onAnyCommand().resolves({});
});

it('sets the variables named in core/pipeline/function-env.ts', () => {
  const { studiesTable, studiesBucket, stateMachineArn, inferenceEndpoint } = FUNCTION_ENV;
  expect([studiesTable, studiesBucket, stateMachineArn, inferenceEndpoint].sort()).toEqual(
    Object.keys(ENV).sort(),
  );
});

describe('start-study', () => {
  const event = (key: string) =>
    ({
      ...{ version: '0', id: '17793124-05d4-b198-2fde-7ededc63b103', 'detail-type': 'Object Created' },
      ...{ source: 'aws.s3', account: '123456789012', time: '2025-03-01T12:00:00Z', region: 'eu-west-1' },
      detail: {
        ...{ version: '0', bucket: { name: bucket }, reason: 'PutObject' },
        object: { key, size: 120, etag: 'e1', 'version-id': 'v-9', sequencer: '00617F08299329D189' },
      },
    }) as EventBridgeEvent<'Object Created', unknown>;
  // The event's version is the manifest's current one (test/lambdas/start-study.test.ts covers the rest).
  beforeEach(() => s3.on(HeadObjectCommand).resolves({ VersionId: 'v-9' }));

  it('records RECEIVED conditionally and starts one named execution', async () => {
    const outcome = await startStudy(event('incoming/s1/manifest.json'));
    const name = executionNameFor('s1', 'v-9');
    expect(outcome).toEqual({ started: true, executionName: name });
    const put = inputOf(ddb.commandCalls(PutCommand));
    expect(put.TableName).toBe(table);
    const received = { studyId: 's1', status: 'RECEIVED', manifestVersion: 'v-9', executionName: name };
    expect(put.Item).toMatchObject(received);
    expect(put.ConditionExpression).toBe(
      'attribute_not_exists(studyId) OR (manifestVersion <> :version AND (attribute_not_exists(manifestSequencer) OR manifestSequencer < :sequencer))',
    );
    const sequencer = '00617F08299329D189'.padEnd(64, '0');
    expect(put.ExpressionAttributeValues).toEqual({ ':version': 'v-9', ':sequencer': sequencer });
    expect(put.Item?.manifestSequencer).toBe(sequencer);
    const start = inputOf(sfn.commandCalls(StartExecutionCommand));
    expect(start.stateMachineArn).toBe(ENV.STATE_MACHINE_ARN);
    expect(start.name).toBe(name);
    const started = { studyId: 's1', manifestVersion: 'v-9', bucket, artifacts: {} };
    expect(JSON.parse(start.input ?? '')).toEqual(started);
  });

  it('treats a duplicate event as already started', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { studyId: 's1', status: 'INFERRING', manifestVersion: 'v-9' } });
    const exists = new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });
    sfn.on(StartExecutionCommand).rejects(exists);
    const outcome = await startStudy(event('incoming/s1/manifest.json'));
    expect(outcome).toEqual({ started: false, executionName: executionNameFor('s1', 'v-9') });
    // Asked anyway, in case the first attempt died between the write and the start.
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('starts nothing for a late event of an older manifest version', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { studyId: 's1', status: 'SCORING', manifestVersion: 'v-10' } });
    const outcome = await startStudy(event('incoming/s1/manifest.json'));
    expect(outcome).toEqual({ started: false, executionName: executionNameFor('s1', 'v-9') });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('ignores a key that is not a manifest', async () => {
    expect(await startStudy(event('incoming/s1/clinical.json'))).toEqual({ started: false });
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});

const ORDER = ['RECEIVED', 'VALIDATING', 'INFERRING', 'EXTRACTING', 'SCORING'];

describe('infer', () => {
  it('writes the request, parks the token, then invokes the endpoint', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { inferenceId } = await infer({ taskToken: 'token-1', run });
    expect(inputOf(ddb.commandCalls(UpdateCommand)).ExpressionAttributeValues?.[':status']).toBe('INFERRING');
    const put = inputOf(s3.commandCalls(PutObjectCommand));
    expect(put).toMatchObject({ Bucket: bucket, Key: `${WORK}inference-request.json` });
    const keys = { volumeKey: work('volume.nii.gz'), maskKey: work('mask.nii.gz') };
    const request = JSON.parse(String(put.Body)) as unknown;
    expect(request).toEqual({ studyId: 's1', bucket, ...keys, inferenceKey: work('inference.json') });
    const parked = inputOf(ddb.commandCalls(PutCommand)).Item ?? {};
    expect(parked).toMatchObject({ studyId: `inference#${inferenceId}`, taskToken: 'token-1', run });
    expect(parked.expiresAt).toBeGreaterThanOrEqual(before + 3600 + 900);
    const invoke = inputOf(sagemaker.commandCalls(InvokeEndpointAsyncCommand));
    expect(invoke.EndpointName).toBe(ENV.INFERENCE_ENDPOINT);
    const location = `s3://${bucket}/${WORK}inference-request.json`;
    expect(invoke).toMatchObject({ InputLocation: location, InferenceId: inferenceId });
    expect(inferenceId).toMatch(/^\S{1,64}$/);
    const [invoked] = sagemaker.commandCalls(InvokeEndpointAsyncCommand);
    expect(invoked && ddb.commandCalls(PutCommand)[0]?.calledBefore(invoked)).toBe(true);
  });

  it('derives the same inference id from the same token, so a retry is idempotent', async () => {
    const first = await infer({ taskToken: 'token-1', run });
    const again = await infer({ taskToken: 'token-1', run });
    const other = await infer({ taskToken: 'token-2', run });
    expect(again.inferenceId).toBe(first.inferenceId);
    expect(other.inferenceId).not.toBe(first.inferenceId);
  });
});

describe('inference-callback', () => {
  const id = 'abc123';
  const snsEvent = (invocationStatus: string, more: object) => {
    const Message = JSON.stringify({ inferenceId: id, invocationStatus, ...more });
    return { Records: [{ EventSource: 'aws:sns', Sns: { Message } }] } as unknown as SNSEvent;
  };
  const success = snsEvent('Completed', { responseParameters: { outputLocation: 's3://out/x.out' } });
  const failure = snsEvent('Failed', { failureReason: 'ClientError: model returned 500' });
  const parkedRun: StudyRun = { ...run, artifacts: { volume: `${WORK}volume.nii.gz` } };
  const tokenKey = { studyId: `inference#${id}` };
  const park = () => ddb.on(GetCommand).resolves({ Item: { ...tokenKey, taskToken: 'tok', run: parkedRun } });

  it('completes the step with the mask and inference artifacts, then drops the token', async () => {
    park();
    await inferenceCallback(success);
    expect(inputOf(ddb.commandCalls(GetCommand)).Key).toEqual(tokenKey);
    const sent = inputOf(sfn.commandCalls(SendTaskSuccessCommand));
    expect(sent.taskToken).toBe('tok');
    const volume = work('volume.nii.gz');
    const artifacts = { volume, mask: work('mask.nii.gz'), inference: work('inference.json') };
    expect(JSON.parse(sent.output ?? '')).toEqual({ ...parkedRun, artifacts });
    expect(inputOf(ddb.commandCalls(DeleteCommand)).Key).toEqual(tokenKey);
  });

  it('fails the step with INFERENCE_FAILED and the failure reason', async () => {
    park();
    await inferenceCallback(failure);
    const failed = { taskToken: 'tok', error: 'INFERENCE_FAILED', cause: 'ClientError: model returned 500' };
    expect(inputOf(sfn.commandCalls(SendTaskFailureCommand))).toEqual(failed);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1);
  });

  it('drops a notification nobody waits for', async () => {
    await expect(inferenceCallback(success)).resolves.toBeUndefined();
    expect(sfn.calls()).toHaveLength(0);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('drops the token of a step that already timed out', async () => {
    park();
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    await expect(inferenceCallback(success)).resolves.toBeUndefined();
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1);
  });

  it('keeps the token when Step Functions fails otherwise, so the notification is retried', async () => {
    park();
    sfn.on(SendTaskSuccessCommand).rejects(new Error('socket hang up'));
    await expect(inferenceCallback(success)).rejects.toThrow('socket hang up');
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});

describe('record-failure', () => {
  const message = 'Validate: study ingestion is not built yet (issue #3); no result was produced';
  const Cause = JSON.stringify({ errorType: 'NOT_IMPLEMENTED', errorMessage: message, trace: [] });
  const input = { run, stage: 'Validate' as const, error: { Error: 'NOT_IMPLEMENTED', Cause } };
  const expected = { stage: 'Validate', code: 'NOT_IMPLEMENTED', message };

  it('marks the study FAILED and writes rejected/{id}/reason.json', async () => {
    expect(await recordFailure(input)).toEqual(expected);
    const update = inputOf(ddb.commandCalls(UpdateCommand));
    const values = { ':status': 'FAILED', ':version': 'v1', ':error': expected };
    expect(update.ExpressionAttributeValues).toMatchObject(values);
    expect(update.ExpressionAttributeNames).toMatchObject({ '#error': 'error' });
    expect(update.UpdateExpression).toContain('#error = :error');
    const put = inputOf(s3.commandCalls(PutObjectCommand));
    expect(put).toMatchObject({ Bucket: bucket, Key: 'rejected/s1/reason.json' });
    expect(JSON.parse(String(put.Body))).toMatchObject({ ...expected, studyId: 's1', manifestVersion: 'v1' });
  });

  it('leaves a superseded run unrecorded', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await recordFailure(input)).toEqual(expected);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  // Step Functions keeps 32,768 characters of a cause: a long one arrives as JSON cut short.
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html
  it('records the message of a cause that Step Functions cut short', async () => {
    const long = Array.from({ length: 900 }, (_, i) => `[FILE_EMPTY] image/${i}.dcm: the file is empty`);
    const cut = JSON.stringify({ errorType: 'INPUT_REJECTED', errorMessage: long.join('\n') }).slice(
      0,
      32_768,
    );
    const failure = await recordFailure({ ...input, error: { Error: 'INPUT_REJECTED', Cause: cut } });
    expect(failure.code).toBe('INPUT_REJECTED');
    expect(failure.message).toMatch(/^\[FILE_EMPTY\] image\/0\.dcm: the file is empty\n/);
    expect(failure.message).toMatch(/… \(cut short\)$/);
    expect(inputOf(ddb.commandCalls(UpdateCommand)).ExpressionAttributeValues?.[':status']).toBe('FAILED');
  });
});

describe('api', () => {
  const none = { pathParameters: null, queryStringParameters: null, body: null };
  const request = (httpMethod: string, resource: string, rest: Partial<APIGatewayProxyEvent> = {}) =>
    ({ ...none, httpMethod, resource, ...rest }) as APIGatewayProxyEvent;
  const getOne = (studyId: string) => request('GET', '/studies/{studyId}', { pathParameters: { studyId } });
  const list = (q: Record<string, string>) => request('GET', '/studies', { queryStringParameters: q });
  const post = (body: string) => request('POST', '/studies', { body });
  const bodyOf = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
  const item = {
    studyId: 's1',
    status: 'FAILED',
    manifestVersion: 'v1',
    executionName: 'secret-name',
    updatedAt: '2025-03-01T12:00:00.000Z',
    stages: { RECEIVED: '2025-03-01T11:59:00.000Z' },
    error: { stage: 'Validate', code: 'NOT_IMPLEMENTED', message: 'm' },
  };

  it('returns a study without its execution name', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    const response = await api(getOne('s1'));
    expect(response.statusCode).toBe(200);
    expect(inputOf(ddb.commandCalls(GetCommand))).toEqual({ TableName: table, Key: { studyId: 's1' } });
    const visible = Object.fromEntries(Object.entries(item).filter(([key]) => key !== 'executionName'));
    // A final study also gets a short-lived link to its report.
    const { reportUrl, ...rest } = bodyOf(response) as { reportUrl?: string };
    expect(rest).toEqual(visible);
    expect(reportUrl === undefined).toBe(!['COMPLETED', 'FAILED'].includes(item.status));
    expect(response.body).not.toContain('secret-name');
  });

  it('answers 404 for a missing study and 400 for an invalid id', async () => {
    expect((await api(getOne('nope'))).statusCode).toBe(404);
    const bad = await api(getOne('a.b'));
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).error).toBe('INVALID_STUDY_ID');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('lists studies by status through the byStatus index, with a next token that round-trips', async () => {
    const lastKey = { studyId: 's1', status: 'FAILED', updatedAt: item.updatedAt };
    ddb.on(QueryCommand).resolves({ Items: [item], LastEvaluatedKey: lastKey });
    const first = await api(list({ status: 'FAILED' }));
    expect(first.statusCode).toBe(200);
    const byStatus = { IndexName: 'byStatus', ExpressionAttributeValues: { ':status': 'FAILED' }, Limit: 25 };
    expect(inputOf(ddb.commandCalls(QueryCommand))).toMatchObject(byStatus);
    const body = bodyOf(first) as { studies: object[]; next: string };
    expect(body.studies).toEqual([expect.not.objectContaining({ executionName: expect.anything() })]);
    await api(list({ status: 'FAILED', limit: '5', next: body.next }));
    expect(inputOf(ddb.commandCalls(QueryCommand), 1)).toMatchObject({
      Limit: 5,
      ExclusiveStartKey: lastKey,
    });
  });

  const badQueries: Record<string, string>[] = [{ status: 'DONE' }, {}, { status: 'FAILED', limit: '0' }];
  badQueries.push({ status: 'FAILED', next: '!!' });
  it.each(badQueries)('rejects the query %j with 400', async (query) => {
    expect((await api(list(query))).statusCode).toBe(400);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('hands out a study id and presigned upload URLs, the manifest last', async () => {
    const files = [
      { path: 'clinical.json', size: 120 },
      { path: 'image/a.dcm', size: 5000 },
      { path: 'image/b.dcm', size: 5000 },
    ];
    const response = await api(post(JSON.stringify({ files })));
    expect(response.statusCode).toBe(201);
    const body = bodyOf(response) as { studyId: string; uploads: { key: string; url: string }[] };
    expect(isStudyId(body.studyId)).toBe(true);
    const paths = [...files.map((f) => f.path), 'manifest.json'];
    expect(body.uploads.map((u) => u.key)).toEqual(paths.map((f) => `incoming/${body.studyId}/${f}`));
    for (const { key, url } of body.uploads) {
      const parsed = new URL(url);
      expect(parsed.pathname.endsWith(`/${key}`)).toBe(true);
      expect(parsed.hostname).toContain(bucket);
      expect(parsed.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(parsed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      // No checksum of the (absent) body signed in: S3 would refuse every real upload.
      expect([...parsed.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    }
    const signed = body.uploads.map((u) => new URL(u.url).searchParams.get('X-Amz-SignedHeaders'));
    expect(signed).toEqual(['content-length;host', 'content-length;host', 'content-length;host', 'host']);
    expect(s3.calls()).toHaveLength(0);
  });

  it('reads a base64-encoded body', async () => {
    const files = [
      { path: 'clinical.json', size: 1 },
      { path: 'image/a.zip', size: 2 },
    ];
    const body = Buffer.from(JSON.stringify({ studyId: 'h-1', files })).toString('base64');
    const response = await api(request('POST', '/studies', { body, isBase64Encoded: true }));
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response).studyId).toBe('h-1');
  });

  const badBodies = [
    'not json',
    '',
    '{"files":[]}',
    '{"files":[{"path":"clinical.json","size":1},{"path":"image/../x","size":1}]}',
    '{"imageFiles":["a.dcm"]}',
  ];
  it.each(badBodies)('rejects the body %j with 400', async (body) => {
    const response = await api(post(body));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toBe('INVALID_BODY');
  });

  it('answers 404 for an unknown route', async () => {
    expect((await api(request('DELETE', '/studies/{studyId}'))).statusCode).toBe(404);
  });
});

describe('watchdog', () => {
  afterEach(() => vi.useRealTimers());

  it('queries each in-progress status and reports the oldest age', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-01T12:00:00.000Z'));
    const oldest: Record<string, string> = { VALIDATING: '2025-03-01T11:50Z', SCORING: '2025-03-01T11:30Z' };
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: { ':status': string } }) => {
      const at = oldest[input.ExpressionAttributeValues[':status']];
      return { Items: at ? [{ studyId: 'x', updatedAt: at }] : [] };
    });
    expect(await watchdog()).toEqual({ oldestSeconds: 1800 });
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.ExpressionAttributeValues?.[':status'])).toEqual(ORDER);
    for (const q of queries)
      expect(q).toMatchObject({ IndexName: 'byStatus', ScanIndexForward: true, Limit: 1 });
  });

  it('reports 0 when nothing is in progress', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await watchdog()).toEqual({ oldestSeconds: 0 });
  });
});
