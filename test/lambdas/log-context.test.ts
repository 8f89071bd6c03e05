/**
 * Log context per invocation: the logger outlives an invocation in a warm container, so the handlers are
 * invoked one after another in this one process and each invocation's log lines are read back from
 * Powertools' output. A line must carry its own invocation's identifiers and request id, never the
 * previous study's.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FailureInput, StudyRun } from '../../core/pipeline/run';
import { handler as recordFailure } from '../../lambdas/record-failure/handler';
import { handler as startStudy } from '../../lambdas/start-study/handler';
import { handler as validate } from '../../lambdas/validate/handler';

vi.hoisted(() => {
  Object.assign(process.env, {
    STUDIES_TABLE: 'studies-test',
    STUDIES_BUCKET: 'sap-studies-test',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sap',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  delete process.env.POWERTOOLS_DEV;
  delete process.env.SAP_LOCAL_S3;
});

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const BUCKET = 'sap-studies-test';

/** Powertools' JSON lines written to stdout and stderr while a test runs. */
let lines: Record<string, unknown>[] = [];
const restore: (() => void)[] = [];

beforeEach(() => {
  ddb.reset().onAnyCommand().resolves({});
  s3.reset().onAnyCommand().resolves({});
  lines = [];
  const decoder = new TextDecoder();
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = ((chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk);
      for (const line of text.split('\n').filter((l) => l.trim().startsWith('{')))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
});

afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

const contextFor = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'sap-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:sap-test',
    memoryLimitInMB: '512',
  }) as Context;

const runOf = (studyId: string, batchId?: string): StudyRun => ({
  studyId,
  manifestVersion: 'v1',
  bucket: BUCKET,
  artifacts: {},
  ...(batchId ? { batchId } : {}),
});

const failureOf = (run: StudyRun): FailureInput => ({
  run,
  stage: 'Radiomics',
  error: { Error: 'MASK_EMPTY', Cause: JSON.stringify({ errorMessage: 'the mask is empty' }) },
});

/** S3's event for an object that is not a study manifest: start-study ignores it before knowing a study. */
const notAManifest = {
  id: 'event-2',
  detail: { bucket: { name: BUCKET }, object: { key: 'incoming/readme.txt', 'version-id': 'v9' } },
} as EventBridgeEvent<'Object Created', unknown>;

/** Lines written from `from` on. */
const linesFrom = (from: number) => lines.slice(from);

describe('log context per invocation', () => {
  it("keeps the previous study's keys off an ignored event's warning", async () => {
    await recordFailure(failureOf(runOf('study-a', 'batch-1')), contextFor('request-1'));
    const first = linesFrom(0);
    expect(first.length).toBeGreaterThan(0);
    for (const line of first)
      expect(line).toMatchObject({
        studyId: 'study-a',
        stage: 'Radiomics',
        function_request_id: 'request-1',
      });

    const mark = lines.length;
    await startStudy(notAManifest, contextFor('request-2'));
    const second = linesFrom(mark);
    expect(second.map((l) => l.message)).toEqual(['event ignored']);
    for (const line of second) {
      expect(line).toMatchObject({ function_request_id: 'request-2', eventId: 'event-2' });
      expect(line).not.toHaveProperty('studyId');
      expect(line).not.toHaveProperty('stage');
      expect(JSON.stringify(line)).not.toMatch(/study-a|batch-1|request-1/);
    }
  });

  it("gives the second study's lines only the second study's identifiers", async () => {
    // Validate enters its stage with the batch's id as a key; the bucket holds nothing, so it rejects.
    await expect(validate(runOf('study-a', 'batch-1'), contextFor('request-1'))).rejects.toThrow();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ studyId: 'study-a', batchId: 'batch-1' });
    const mark = lines.length;
    await recordFailure(failureOf(runOf('study-b')), contextFor('request-2'));
    const second = linesFrom(mark);
    expect(second.length).toBeGreaterThan(0);
    for (const line of second) {
      expect(line).toMatchObject({ studyId: 'study-b', function_request_id: 'request-2' });
      expect(line).not.toHaveProperty('batchId');
      expect(JSON.stringify(line)).not.toMatch(/study-a|batch-1|request-1/);
    }
  });

  it('runs without a context, as the local stack invokes it, and still starts with clean keys', async () => {
    await recordFailure(failureOf(runOf('study-a', 'batch-1')));
    const mark = lines.length;
    await startStudy(notAManifest);
    const second = linesFrom(mark);
    expect(second.map((l) => l.message)).toEqual(['event ignored']);
    expect(second[0]).not.toHaveProperty('studyId');
    expect(JSON.stringify(second[0])).not.toMatch(/study-a|batch-1/);
  });
});
