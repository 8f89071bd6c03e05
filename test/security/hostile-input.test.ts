import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../core/ingest/manifest';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { readManifestEvent } from '../../core/pipeline/manifest-event';
import { studyKeys } from '../../core/study/keys';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { objectCreatedEvent } from '../../local/stack/manifest-trigger';
import { watchS3Requests, type S3RequestRecord } from '../../local/stack/s3-server';
import type { StackNotice } from '../../local/stack/stack';
import { BAD_INPUTS } from '../bad-inputs/corpus';
import type { StudyFiles } from '../bad-inputs/study-builder';
import { startE2eStack, type E2eStack } from '../e2e/local-stack';
import { HOSTILE_KEYS, HOSTILE_MANIFESTS, type HostileKey } from './hostile-cases';

let e2e: E2eStack;
const notices: StackNotice[] = [];
const requests: S3RequestRecord[] = [];
let stopWatching: () => void;
/** How each hostile input ended, printed at the end: the issue's record of what was tried. */
const outcomes: string[] = [];

beforeAll(async () => {
  e2e = await startE2eStack({ onNotice: (notice) => notices.push(notice) });
  stopWatching = watchS3Requests((request) => requests.push(request));
});
afterAll(async () => {
  stopWatching?.();
  console.info(`hostile inputs and how each ended:\n${outcomes.join('\n')}`);
  await e2e?.close();
});

const decoder = new TextDecoder();
const sha256 = (bytes: Uint8Array | undefined) => bytes && createHash('sha256').update(bytes).digest('hex');
const item = async (studyId: string) =>
  (await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }))).Item;
const apiStatus = async (segment: string) =>
  (await fetch(`${e2e.stack.apiUrl}/studies/${encodeURIComponent(segment)}`)).status;

/** The corpus builds manifests for studyId `bad-input`; here each case is its own study. */
function asStudy(studyId: string, files: StudyFiles): StudyFiles {
  const manifest = files[MANIFEST_FILE];
  if (!manifest) return files;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(manifest));
  } catch {
    return files;
  }
  if (!parsed || typeof parsed !== 'object' || !('studyId' in parsed)) return files;
  return { ...files, [MANIFEST_FILE]: new TextEncoder().encode(JSON.stringify({ ...parsed, studyId })) };
}

/** Runs the study and checks it FAILED at Validate with the issue, kept its uploads and wrote no volume. */
async function expectRejected(studyId: string, files: StudyFiles, issue: string, says?: string) {
  const record = await e2e.run(studyId, files);
  const stored = await item(studyId);
  const error = stored?.error as { stage: string; code: string; message: string } | undefined;
  outcomes.push(`  ${studyId}: ${stored?.status} ${error?.stage}/${error?.code} [${issue}]`);
  expect(record).toMatchObject({ status: 'FAILED', error: 'INPUT_REJECTED' });
  expect(stored).toMatchObject({ status: 'FAILED', error: { stage: 'Validate', code: 'INPUT_REJECTED' } });
  expect(error!.message).toContain(`[${issue}]`);
  if (says) expect(error!.message).toContain(says);
  const reason = (await e2e.objects(`rejected/${studyId}/`)).get(studyKeys.rejection(studyId));
  expect(JSON.parse(decoder.decode(reason))).toMatchObject({ studyId, code: 'INPUT_REJECTED' });
  // Compared by sha256: a deep equality of megabyte buffers takes vitest seconds.
  const kept = await e2e.objects(studyKeys.incomingPrefix(studyId));
  for (const [name, bytes] of Object.entries(files))
    expect(sha256(kept.get(studyKeys.incomingPrefix(studyId) + name)), name).toBe(sha256(bytes));
  expect((await e2e.objects(`work/${studyId}/`)).size).toBeLessThanOrEqual(1); // validation.json only
}

const CORPUS = BAD_INPUTS.filter((c) => c.name !== 'manifest-missing');

describe('the ingestion bad-input corpus, end to end through the local stack', () => {
  it(`fails each of ${CORPUS.length} cases at Validate with its code and keeps its originals`, async () => {
    outcomes.push('bad-input corpus:');
    await Promise.all(
      CORPUS.map((c) => expectRejected(`corpus-${c.name}`, asStudy(`corpus-${c.name}`, c.build()), c.expect)),
    );
  }, 120_000);

  it('starts nothing for a study without a manifest', async () => {
    const files = BAD_INPUTS.find((c) => c.name === 'manifest-missing')!.build();
    const before = e2e.stack.stepFunctions.listExecutions().length;
    for (const [name, body] of Object.entries(files))
      await put(studyKeys.incomingPrefix('corpus-manifest-missing') + name, body);
    await e2e.stack.idle();
    expect(e2e.stack.stepFunctions.listExecutions()).toHaveLength(before);
    expect(await apiStatus('corpus-manifest-missing')).toBe(404);
    outcomes.push('  corpus-manifest-missing: nothing started (no manifest); GET /studies/{id} 404');
  });
});

const put = (key: string, body: Uint8Array | string) =>
  e2e.stack.s3Client.send(new PutObjectCommand({ Bucket: e2e.stack.s3.studiesBucket, Key: key, Body: body }));

describe('hostile object keys', () => {
  it('refuses keys that would leave the bucket folder, and starts nothing for keys that name no study', async () => {
    outcomes.push('hostile keys:');
    const before = e2e.stack.stepFunctions.listExecutions().length;
    // A manifest that would be valid for a real study: only the key is hostile.
    const manifest = JSON.stringify({ schemaVersion: 1, studyId: 'hostile-victim', files: [] });
    for (const hostile of HOSTILE_KEYS) {
      const error = await put(hostile.key, manifest).then(
        () => undefined,
        (e: Error) => e,
      );
      outcomes.push(`  ${hostile.name}: ${await outcomeOf(hostile, error)}`);
    }
    await e2e.stack.idle();
    expect(e2e.stack.stepFunctions.listExecutions()).toHaveLength(before);
    expect(await item('hostile-victim')).toBeUndefined();
  });
});

async function outcomeOf(hostile: HostileKey, error: Error | undefined): Promise<string> {
  const segment = hostile.key.split('/')[1]!;
  if ('refused' in hostile.outcome) {
    expect(error, hostile.name).toBeDefined();
    expect(error!.name, hostile.name).toBe(hostile.outcome.refused);
    expect(error!.message.length, hostile.name).toBeGreaterThan(10);
    return `refused by S3: ${error!.name} (${error!.message})`;
  }
  expect(error, hostile.name).toBeUndefined();
  // What StartStudy makes of the event S3 sends for this key.
  const event = objectCreatedEvent({
    eventName: 'ObjectCreated:Put',
    eventTime: new Date().toISOString(),
    awsRegion: e2e.stack.s3.region,
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {},
    s3: {
      bucket: { name: e2e.stack.s3.studiesBucket },
      object: { key: hostile.key, eTag: 'e', sequencer: '1' },
    },
  });
  const read = readManifestEvent(event.detail);
  expect(read.kind, hostile.name).toBe('ignored');
  const api = await apiStatus(segment);
  expect(api, hostile.name).toBe(hostile.outcome.api);
  return `stored, no run (${read.kind === 'ignored' ? read.reason : ''}); GET /studies/{id} ${api}`;
}

describe('oversized and lying manifests', () => {
  it('fails each at Validate with a specific reason, reading nothing of another study', async () => {
    outcomes.push('hostile manifests:');
    const victim = 'hostile-victim';
    await put(studyKeys.clinicalUpload(victim), '{"schemaVersion": 1}');
    const from = requests.length;
    for (const hostile of HOSTILE_MANIFESTS) {
      const studyId = `manifest-${hostile.name.replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 64);
      await expectRejected(studyId, hostile.build(studyId), hostile.issue, hostile.says);
    }
    const during = requests.slice(from);
    // The watch saw the runs' own writes (Validate's reports), and none of the victim's keys.
    expect(during.some((r) => r.method === 'PUT' && r.key.startsWith('rejected/manifest-'))).toBe(true);
    expect(during.filter((r) => r.key.split('/')[1] === victim)).toEqual([]);
  }, 90_000);

  it('stores a 5,000-issue rejection within the limits of the item and the message', async () => {
    const stored = await item('manifest-lists-5-000-image-files');
    expect((stored!.error as { message: string }).message.length).toBeLessThanOrEqual(8000);
  });
});

describe('after every hostile input', () => {
  it('no function failed every delivery, no inference broke, and no study ended with an internal error', async () => {
    await e2e.stack.idle();
    expect(notices).toEqual([]);
    expect(e2e.stack.deadLetters).toEqual([]);
    const codes = e2e.stack.stepFunctions.listExecutions().map((x) => x.error);
    expect(codes.filter((code) => code !== 'INPUT_REJECTED')).toEqual([]);
  });

  it('every file the S3 server wrote lies inside its bucket folders', async () => {
    const dataDir = e2e.stack.dataDir;
    expect((await readdir(path.join(dataDir, 's3'))).sort()).toEqual(
      [LOCAL_NAMES.modelsBucket, LOCAL_NAMES.studiesBucket].sort(),
    );
    const top = await readdir(dataDir);
    expect(top.filter((name) => !['s3', 'dynamodb', 'executions.jsonl'].includes(name))).toEqual([]);
  });

  it('still takes a good study from upload to COMPLETED', async () => {
    const phantom = generatePhantom({
      dims: [120, 120, 28],
      spacing: [2, 2, 5],
      seed: 21,
      variant: 'oedematous',
    });
    const record = await e2e.run(
      'hostile-then-good',
      phantomStudyFiles(phantom, 'nifti', 'hostile-then-good'),
    );
    expect(record.status).toBe('SUCCEEDED');
    expect(await item('hostile-then-good')).toMatchObject({ status: 'COMPLETED' });
    outcomes.push('afterwards: a good study COMPLETED');
  }, 90_000);
});
