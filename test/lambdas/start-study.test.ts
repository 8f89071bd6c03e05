import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import {
  ExecutionAlreadyExists,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { executionNameFor } from '../../core/study/study-id';
import { handler as startStudy } from '../../lambdas/start-study/handler';

vi.hoisted(() => {
  Object.assign(process.env, {
    STUDIES_TABLE: 'studies-test',
    STUDIES_BUCKET: 'sap-studies-test',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sap',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  delete process.env.SAP_LOCAL_S3;
});

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

const BUCKET = 'sap-studies-test';
const MANIFEST_KEY = 'incoming/s1/manifest.json';
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** S3's EventBridge event for a versioned bucket: version-id and a sequencer. */
const event = (versionId: string, sequencer = '0055AED6DCD90281E5') =>
  ({
    ...{ version: '0', id: `event-${versionId}`, 'detail-type': 'Object Created', source: 'aws.s3' },
    ...{ account: '123456789012', time: '2026-12-01T12:00:00Z', region: 'eu-west-1' },
    detail: {
      ...{ version: '0', bucket: { name: BUCKET }, reason: 'PutObject' },
      object: { key: MANIFEST_KEY, size: 420, etag: `etag-${versionId}`, 'version-id': versionId, sequencer },
    },
  }) as EventBridgeEvent<'Object Created', unknown>;

/** The table as DynamoDB keeps it: the conditional put succeeds once per version, GetItem reads it back. */
function studiesTable() {
  let item: Record<string, unknown> | undefined;
  ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
    if (item?.manifestVersion === input.Item.manifestVersion) throw conditionFailed();
    item = input.Item;
    return {};
  });
  ddb.on(GetCommand).callsFake(() => ({ Item: item }));
  return () => item;
}

beforeEach(() => {
  ddb.reset();
  s3.reset();
  sfn.reset();
});

describe('start-study: only the current manifest version starts a run', () => {
  it('starts the run for the version S3 has as current', async () => {
    studiesTable();
    s3.on(HeadObjectCommand, { Bucket: BUCKET, Key: MANIFEST_KEY }).resolves({ VersionId: 'v2' });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    expect(await startStudy(event('v2'))).toEqual({
      started: true,
      executionName: executionNameFor('s1', 'v2'),
    });
  });

  it('starts nothing for a late event of a version a re-upload replaced, whatever its sequencer', async () => {
    const stored = studiesTable();
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v2' });
    // A sequencer that would compare as newer: the version check decides, not the sequencer.
    const outcome = await startStudy(event('v1', 'FFFFFFFFFFFFFFFFFF'));
    expect(outcome).toEqual({ started: false, executionName: executionNameFor('s1', 'v1') });
    expect(stored()).toBeUndefined();
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts nothing once the manifest is gone', async () => {
    studiesTable();
    s3.on(HeadObjectCommand).rejects(
      new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }),
    );
    expect((await startStudy(event('v1'))).started).toBe(false);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('compares the ETag where the bucket is not versioned (the local S3 server)', async () => {
    studiesTable();
    sfn.on(StartExecutionCommand).resolves({});
    const unversioned = event('unused');
    const object = (unversioned.detail as { object: Record<string, unknown> }).object;
    delete object['version-id'];
    s3.on(HeadObjectCommand).resolves({ ETag: '"etag-unused"' });
    expect((await startStudy(unversioned)).started).toBe(true);
    s3.on(HeadObjectCommand).resolves({ ETag: '"etag-newer"' });
    expect((await startStudy(unversioned)).started).toBe(false);
  });
});

describe('start-study: retry-safe after the RECEIVED record is written', () => {
  beforeEach(() => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v1' });
  });

  it('a duplicate event reads the record (GetItem) and asks again for the same execution', async () => {
    studiesTable();
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({})
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    expect((await startStudy(event('v1'))).started).toBe(true);
    expect(await startStudy(event('v1'))).toEqual({
      started: false,
      executionName: executionNameFor('s1', 'v1'),
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    const [first, second] = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(second).toEqual(first);
  });

  it('StartExecution throttled after the put: the redelivered event starts the same execution', async () => {
    const stored = studiesTable();
    const throttled = new SFNServiceException({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    sfn.on(StartExecutionCommand).rejectsOnce(throttled).resolves({ executionArn: 'arn:x' });

    // The first delivery fails after RECEIVED is written: Lambda's async retry redelivers the event.
    await expect(startStudy(event('v1'))).rejects.toThrow('Rate exceeded');
    expect(stored()).toMatchObject({ status: 'RECEIVED', manifestVersion: 'v1' });

    const retried = await startStudy(event('v1'));
    expect(retried).toEqual({ started: true, executionName: executionNameFor('s1', 'v1') });
    const [first, second] = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    // Same name and same input: Step Functions treats a repeat of a running execution as success.
    expect(second).toEqual(first);
    expect(second?.name).toBe(executionNameFor('s1', 'v1'));
  });
});
