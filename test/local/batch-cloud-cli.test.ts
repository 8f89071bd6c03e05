import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ExecutionAlreadyExists,
  type ExecutionStatus,
  ExecutionDoesNotExist,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BatchOutcome } from '../../core/batch/outcome';
import { summarizeBatch } from '../../core/batch/summary';
import { batchExecutionInputSchema } from '../../core/pipeline/batch-execution';
import { main } from '../../cli/main';
import type { PollClock } from '../../cli/poll-clock';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-central-1:123456789012:stateMachine:SapBatch';
const BUCKET = 'sap-studies-eu';
let root: string;

function output() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}
async function sap(...argv: string[]) {
  const o = output();
  const code = await main(argv, o.io);
  return { code, out: o.out.join('\n'), err: o.err.join('\n') };
}
const body = (text: string) => ({ transformToString: async () => text }) as never;
const startInput = () => {
  const [call] = sfn.commandCalls(StartExecutionCommand);
  return { ...call!.args[0].input, input: JSON.parse(call!.args[0].input.input!) as unknown };
};
const putItems = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-batch-cloud-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  s3.reset().onAnyCommand().resolves({});
  sfn.reset().onAnyCommand().resolves({});
  delete process.env.SAP_BATCH_STATE_MACHINE;
});

describe('sap batch submit', () => {
  /** incoming/ holds a, b (with manifests, on two listing pages), c (an incomplete upload) and bad.id. */
  function bucketWithStudies() {
    s3.on(ListObjectsV2Command, { Bucket: BUCKET, Delimiter: '/', ContinuationToken: undefined }).resolves({
      CommonPrefixes: [{ Prefix: 'incoming/a/' }, { Prefix: 'incoming/bad.id/' }],
      IsTruncated: true,
      NextContinuationToken: 'page-2',
    });
    s3.on(ListObjectsV2Command, { Bucket: BUCKET, Delimiter: '/', ContinuationToken: 'page-2' }).resolves({
      CommonPrefixes: [{ Prefix: 'incoming/b/' }, { Prefix: 'incoming/c/' }],
    });
    for (const id of ['a', 'b'])
      s3.on(ListObjectsV2Command, { Prefix: `incoming/${id}/manifest.json` }).resolves({
        Contents: [{ Key: `incoming/${id}/manifest.json` }],
      });
  }

  it('lists the uploaded studies under a prefix, writes the item list and starts the batch', async () => {
    bucketWithStudies();
    const { code, out, err } = await sap(
      'batch',
      'submit',
      `s3://${BUCKET}/incoming/`,
      '--mode',
      'features',
      '--max-concurrency',
      '6',
      '--tolerated-failure-percent',
      '5',
      '--batch-id',
      'cohort-2024',
      '--state-machine',
      MACHINE,
    );
    expect(code).toBe(0);
    expect(err).toContain('left out 1 study folders without incoming/{studyId}/manifest.json');
    expect(err).toContain(': c');
    expect(out).toContain('batch cohort-2024: 2 studies started');
    const listing = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(listing[0]).toMatchObject({ Bucket: BUCKET, Prefix: 'incoming/', Delimiter: '/' });
    expect(putItems()).toEqual([
      {
        Bucket: BUCKET,
        Key: 'batches/cohort-2024/items.csv',
        Body: 'studyId\r\na\r\nb\r\n',
        ContentType: 'text/csv; charset=utf-8; header=present',
      },
    ]);
    const start = startInput();
    expect(start).toMatchObject({ stateMachineArn: MACHINE, name: 'cohort-2024' });
    expect(start.input).toEqual({
      itemList: { bucket: BUCKET, key: 'batches/cohort-2024/items.csv' },
      mode: 'features',
      maxConcurrency: 6,
      toleratedFailurePercentage: 5,
    });
    expect(batchExecutionInputSchema.safeParse(start.input).success).toBe(true);
    // The clients talk to the state machine's region.
    const client = sfn.commandCalls(StartExecutionCommand)[0]!.thisValue as SFNClient;
    expect(await client.config.region()).toBe('eu-central-1');
  });

  it('uploads a local manifest list, once per study, with a generated batch id', async () => {
    const list = path.join(root, 'cohort.csv');
    await writeFile(list, 'studyId,label\r\nhosp-1,0\r\nhosp-2,1\r\nhosp-1,0\r\n');
    process.env.SAP_BATCH_STATE_MACHINE = MACHINE;
    const args = [
      'batch',
      'submit',
      list,
      '--bucket',
      BUCKET,
      '--mode',
      'rescore',
      '--model-version',
      '2025-11',
    ];
    const { code, out, err } = await sap(...args, '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    const started = JSON.parse(out) as { batchId: string; studies: number; executionArn: string };
    expect(started.batchId).toMatch(/^batch-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(started.studies).toBe(2);
    expect(putItems()[0]).toMatchObject({
      Key: `batches/${started.batchId}/items.csv`,
      Body: 'studyId\r\nhosp-1\r\nhosp-2\r\n',
    });
    expect(startInput()).toMatchObject({
      name: started.batchId,
      input: { mode: 'rescore', fusionModelVersion: '2025-11' },
    });
    expect(started.executionArn).toBe(
      `${MACHINE.replace(':stateMachine:', ':execution:')}:${started.batchId}`,
    );
  });

  it('refuses a list with rows that name no study, before writing or starting anything', async () => {
    const list = path.join(root, 'bad.csv');
    await writeFile(list, 'studyId\nok-1\n../x\n\n');
    const bad = await sap('batch', 'submit', list, '--bucket', BUCKET, '--state-machine', MACHINE);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('row 3: "../x" is not a study id');
    await writeFile(list, 'id\nok-1\n');
    expect(
      (await sap('batch', 'submit', list, '--bucket', BUCKET, '--state-machine', MACHINE)).err,
    ).toContain('header with a studyId column');
    s3.on(ListObjectsV2Command).resolves({});
    expect((await sap('batch', 'submit', `s3://${BUCKET}/incoming/x`, '--state-machine', MACHINE)).code).toBe(
      1,
    );
    expect(putItems()).toEqual([]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers wrong arguments with the usage and exit 2', async () => {
    const list = path.join(root, 'cohort.csv');
    for (const args of [
      [list, '--bucket', BUCKET],
      [list, '--bucket', BUCKET, '--state-machine', 'arn:aws:states:eu-west-1:1:stateMachine:x'],
      [list, '--state-machine', MACHINE],
      [`s3://${BUCKET}/results/`, '--state-machine', MACHINE],
      [`s3://${BUCKET}/incoming/`, '--bucket', 'other-bucket', '--state-machine', MACHINE],
      [list, '--bucket', BUCKET, '--state-machine', MACHINE, '--mode', 'rescore'],
      [list, '--bucket', BUCKET, '--state-machine', MACHINE, '--mode', 'fast'],
      [list, '--bucket', BUCKET, '--state-machine', MACHINE, '--max-concurrency', '0'],
      [list, '--bucket', BUCKET, '--state-machine', MACHINE, '--tolerated-failure-percent', '101'],
      [list, '--bucket', BUCKET, '--state-machine', MACHINE, '--batch-id', 'a/b'],
    ]) {
      const { code, err } = await sap('batch', 'submit', ...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toContain('Usage: sap batch submit');
    }
    expect(s3.calls()).toHaveLength(0);
  });

  it('exits 1 when the batch id is taken, 2 when AWS refuses', async () => {
    bucketWithStudies();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const taken = await sap(
      'batch',
      'submit',
      `s3://${BUCKET}`,
      '--batch-id',
      'b1',
      '--state-machine',
      MACHINE,
    );
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('batch id b1 is taken');
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const denied = await sap('batch', 'submit', `s3://${BUCKET}`, '--state-machine', MACHINE, '--json');
    expect(denied.code).toBe(2);
    expect(JSON.parse(denied.err)).toEqual({ error: { code: 'AccessDenied', message: 'Access Denied' } });
  });
});

describe('sap batch status', () => {
  const EXECUTION = `${MACHINE.replace(':stateMachine:', ':execution:')}:b1`;
  const MAP_RUN = 'arn:aws:states:eu-central-1:123456789012:mapRun:SapBatch/StudiesCsv:1';
  const input = JSON.stringify({
    itemList: { bucket: BUCKET, key: 'batches/b1/items.csv' },
    mode: 'features',
  });
  const execution = (status: ExecutionStatus, extra: object = {}) => ({
    executionArn: EXECUTION,
    name: 'b1',
    status,
    input,
    startDate: new Date('2025-03-01T10:00:00Z'),
    ...extra,
  });
  const counts = (succeeded: number, failed: number, running: number) => ({
    itemCounts: {
      total: 10,
      pending: 10 - succeeded - failed - running,
      running,
      succeeded,
      failed,
      timedOut: 0,
      aborted: 0,
      resultsWritten: 0,
      failuresNotRedrivable: 0,
      pendingRedrive: 0,
    },
  });
  const outcome = (studyId: string, status: 'COMPLETED' | 'FAILED'): BatchOutcome =>
    status === 'COMPLETED'
      ? {
          status,
          studyId,
          manifestVersion: 'v1',
          batchId: 'b1',
          mode: 'features',
          finishedAt: '2025-03-01T11:00:00.000Z',
          model: { name: 'sap-fusion', version: '1' },
          features: { stat_mean: 41.5 },
          missing: [],
          inferenceSeconds: 9,
        }
      : {
          status,
          studyId,
          manifestVersion: 'v1',
          batchId: 'b1',
          mode: 'features',
          finishedAt: '2025-03-01T11:00:00.000Z',
          stage: 'Validate',
          code: 'INPUT_REJECTED',
          message: 'no image',
        };
  const summary = summarizeBatch({
    batchId: 'b1',
    outcomes: [outcome('s1', 'COMPLETED'), outcome('s2', 'FAILED')],
  });
  const clock = (): PollClock => {
    let now = 0;
    return {
      now: () => now,
      sleep: async (ms) => void (now += ms),
      firstMs: 5000,
      maxMs: 60_000,
      factor: 1.5,
    };
  };
  async function status(args: string[], json = false) {
    const o = output();
    const argv = ['batch', 'status', ...args, '--state-machine', MACHINE, ...(json ? ['--json'] : [])];
    const code = await main(argv, o.io, { clock: clock() });
    return { code, out: o.out.join('\n'), err: o.err.join('\n') };
  }

  it('shows the Map’s progress while the batch runs', async () => {
    sfn.on(DescribeExecutionCommand).resolves(execution('RUNNING'));
    sfn.on(ListMapRunsCommand).resolves({
      mapRuns: [
        { mapRunArn: MAP_RUN, executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: new Date() },
      ],
    });
    sfn.on(DescribeMapRunCommand).resolves(counts(3, 1, 4));
    const { code, out } = await status(['b1']);
    expect(code).toBe(0);
    expect(out).toContain('batch b1: RUNNING, 4/10 done (1 failed), 4 running');
    expect(out).toContain('mode features');
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({ executionArn: EXECUTION });
    expect(sfn.commandCalls(DescribeMapRunCommand)[0]!.args[0].input).toEqual({ mapRunArn: MAP_RUN });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('--wait polls until the batch ends and prints its summary', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('SUCCEEDED', { stopDate: new Date('2025-03-01T11:00:00Z') }));
    sfn
      .on(ListMapRunsCommand)
      .resolvesOnce({ mapRuns: [] })
      .resolves({
        mapRuns: [
          { mapRunArn: MAP_RUN, executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: new Date() },
        ],
      });
    sfn
      .on(DescribeMapRunCommand)
      .resolvesOnce(counts(1, 0, 8))
      .resolves(counts(9, 1, 0));
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'batches/b1/summary.json' }).resolves({
      Body: body(JSON.stringify(summary)),
    });
    const { code, out, err } = await status(['b1', '--wait']);
    expect(err.split('\n')).toEqual([
      'batch b1: RUNNING, reading its item list',
      'batch b1: RUNNING, 1/10 done (0 failed), 8 running',
      'batch b1: SUCCEEDED, 10/10 done (1 failed), 0 running',
    ]);
    expect(code).toBe(0);
    expect(out).toContain('1 completed, 1 failed of 2');
    expect(out).toContain('INPUT_REJECTED: 1');
    expect(out).toContain(`outputs: s3://${BUCKET}/batches/b1/`);
  });

  it('exits 1 for a batch that failed, with the reason, and prints the document with --json', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolves(
        execution('FAILED', { error: 'States.ExceedToleratedFailureThreshold', cause: 'too many failed' }),
      );
    sfn.on(ListMapRunsCommand).resolves({
      mapRuns: [
        { mapRunArn: MAP_RUN, executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: new Date() },
      ],
    });
    sfn.on(DescribeMapRunCommand).resolves(counts(5, 5, 0));
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(summary)) });
    const text = await status(['b1']);
    expect(text.code).toBe(1);
    expect(text.out).toContain('failed: States.ExceedToleratedFailureThreshold — too many failed');
    const json = await status(['b1'], true);
    expect(JSON.parse(json.out)).toMatchObject({
      batchId: 'b1',
      status: 'FAILED',
      items: { succeeded: 5, failed: 5 },
      summary: { counts: { COMPLETED: 1, FAILED: 1 } },
    });
  });

  it('says so when the batch has no summary, or does not exist', async () => {
    sfn.on(DescribeExecutionCommand).resolves(execution('FAILED', { error: 'INVALID_ITEM_LIST' }));
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
    const noSummary = await status(['b1']);
    expect(noSummary.code).toBe(1);
    expect(noSummary.out).toContain('failed: INVALID_ITEM_LIST');
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'none', $metadata: {} }));
    const missing = await status(['nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no batch nope');
  });

  it('gives up waiting after --timeout with exit 2, and checks its arguments', async () => {
    sfn.on(DescribeExecutionCommand).resolves(execution('RUNNING'));
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
    const waited = await status(['b1', '--wait', '--timeout', '30']);
    expect(waited.code).toBe(2);
    expect(waited.err).toContain('gave up waiting for batch b1 after 30 s');
    for (const args of [[], ['a/b'], ['b1', '--timeout', '-1'], ['b1', 'b2']])
      expect((await status(args)).code).toBe(2);
    expect((await sap('batch', 'status', 'b1')).err).toContain('which batch state machine?');
  });
});
