import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StudyView } from '../../local/api-client';
import { main } from '../../cli/main';
import type { PollClock } from '../../cli/poll-clock';
import { startFakeResultsApi } from './fake-results-api';

type FakeApi = Awaited<ReturnType<typeof startFakeResultsApi>>;
let api: FakeApi;
let root: string;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

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

/** A study folder on disk: clinical.json and files under image/ (or at the top, `flat`). */
async function studyFolder(name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const folder = path.join(root, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
    await writeFile(path.join(folder, file), content);
  }
  return folder;
}
const clinical = JSON.stringify({ schemaVersion: 1, admission: { age: 54, sex: 'F' } });
const volume = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-submit-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  delete process.env.SAP_API_URL;
  api = await startFakeResultsApi();
});
afterEach(async () => {
  await api.close();
});

describe('sap submit', () => {
  it('lists the files with sizes and sha256, uploads them, the manifest last, and prints the studyId', async () => {
    const series = {
      'image/s1/IM0001.dcm': volume.slice(0, 1000),
      'image/s1/IM0002.dcm': volume.slice(1000),
    };
    const folder = await studyFolder('dicom', { 'clinical.json': clinical, ...series });
    const { code, out, err } = await sap('submit', folder, '--endpoint', api.apiUrl);
    expect(err).toContain('uploading 3 files');
    expect(code).toBe(0);
    expect(out).toBe('fake-study-1');

    const [create, ...puts] = api.requests;
    expect(create).toMatchObject({ method: 'POST', path: '/v1/studies' });
    expect(create!.headers.authorization).toBeUndefined();
    const expected = Object.entries({ 'clinical.json': clinical, ...series }).map(([p, content]) => {
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      return { path: p, size: bytes.byteLength, sha256: sha256(bytes) };
    });
    expect(JSON.parse(create!.body.toString())).toEqual({ files: expected });

    expect(puts.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT', 'PUT']);
    expect(puts.at(-1)!.path).toBe('/bucket/incoming/fake-study-1/manifest.json');
    for (const file of expected) {
      const stored = api.objects.get(`incoming/fake-study-1/${file.path}`)!;
      expect(sha256(stored)).toBe(file.sha256);
    }
    const manifest = JSON.parse(api.objects.get('incoming/fake-study-1/manifest.json')!.toString());
    expect(manifest).toEqual({ schemaVersion: 1, studyId: 'fake-study-1', files: expected });
    for (const put of puts) expect(put.headers.authorization).toBeUndefined();
  });

  it('signs the API request with SigV4 (execute-api, region and credentials from the environment) for --api', async () => {
    const folder = await studyFolder('signed', { 'clinical.json': clinical, 'image/ct.nii.gz': volume });
    const { code, out } = await sap(
      'submit',
      folder,
      '--api',
      api.apiUrl,
      '--study-id',
      'hosp-0117',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ studyId: 'hosp-0117', manifestUploaded: true });

    const create = api.requests[0]!;
    const { authorization, host } = create.headers;
    const date = String(create.headers['x-amz-date']);
    expect(authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${date.slice(0, 8)}/eu-west-1/execute-api/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
      ),
    );
    // Signing the request as it arrived gives the same signature: the host and body were sent as signed.
    const signer = new SignatureV4({
      service: 'execute-api',
      region: 'eu-west-1',
      credentials: {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
      },
      sha256: Sha256,
    });
    const resigned = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: create.path,
        query: {},
        headers: { accept: 'application/json', 'content-type': 'application/json', host: String(host) },
        body: create.body.toString(),
      },
      {
        signingDate: new Date(
          date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
        ),
      },
    );
    expect(resigned.headers.authorization).toBe(authorization);
    expect(JSON.parse(create.body.toString()).studyId).toBe('hosp-0117');
    for (const put of api.requests.slice(1)) expect(put.headers.authorization).toBeUndefined();
  });

  it('takes the API URL from SAP_API_URL, signed', async () => {
    process.env.SAP_API_URL = api.apiUrl;
    const folder = await studyFolder('env', { 'clinical.json': clinical, 'image/ct.nii': volume });
    expect((await sap('submit', folder)).code).toBe(0);
    expect(api.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it('puts the image of a flat folder under image/, skips hidden files, and keeps a manifest series choice', async () => {
    const uid = '1.2.826.0.1.3680043.2.1125.1';
    const folder = await studyFolder('flat', {
      'clinical.json': clinical,
      'series.zip': volume,
      '.DS_Store': 'x',
      'manifest.json': JSON.stringify({ schemaVersion: 1, files: [], image: { seriesInstanceUid: uid } }),
    });
    const { code, err } = await sap('submit', folder, '--endpoint', api.apiUrl);
    expect(code).toBe(0);
    expect(err).toContain('skipped .DS_Store (hidden file)');
    const listed = JSON.parse(api.requests[0]!.body.toString()).files.map((f: { path: string }) => f.path);
    expect(listed).toEqual(['clinical.json', 'image/series.zip']);
    const manifest = JSON.parse(api.objects.get('incoming/fake-study-1/manifest.json')!.toString());
    expect(manifest.image).toEqual({ seriesInstanceUid: uid });
  });

  it('retries an upload S3 answered with 503', async () => {
    api.putFailures.push(503);
    const folder = await studyFolder('retry', { 'clinical.json': clinical, 'image/ct.nii.gz': volume });
    expect((await sap('submit', folder, '--endpoint', api.apiUrl)).code).toBe(0);
    expect(api.objects.size).toBe(3);
  });

  it('refuses a folder without clinical.json or an image before calling the API (exit 1)', async () => {
    const noClinical = await studyFolder('no-clinical', { 'image/ct.nii.gz': volume });
    const noImage = await studyFolder('no-image', { 'clinical.json': clinical });
    for (const folder of [noClinical, noImage]) {
      const { code, err } = await sap('submit', folder, '--endpoint', api.apiUrl);
      expect(code).toBe(1);
      expect(err).toContain('MANIFEST_INVALID');
    }
    expect(api.requests).toHaveLength(0);
  });

  it('exits 1 when the API refuses the listing, 2 when it fails', async () => {
    const folder = await studyFolder('refused', { 'clinical.json': clinical, 'image/ct.nii.gz': volume });
    api.answerCreateWith({ status: 400, body: { error: 'INVALID_BODY', message: 'no' } });
    const refused = await sap('submit', folder, '--endpoint', api.apiUrl, '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.err)).toMatchObject({ error: { code: 'INVALID_BODY' } });
    api.answerCreateWith({ status: 500, body: { error: 'INTERNAL_ERROR', message: 'try again' } });
    expect((await sap('submit', folder, '--endpoint', api.apiUrl)).code).toBe(2);
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('exits 2 on usage errors, saying where the API URL comes from', async () => {
    const folder = await studyFolder('usage', { 'clinical.json': clinical, 'image/ct.nii.gz': volume });
    const none = await sap('submit', folder);
    expect(none.code).toBe(2);
    expect(none.err).toContain('ResultsApiUrl');
    expect((await sap('submit', folder, '--endpoint', api.apiUrl, '--api', api.apiUrl)).code).toBe(2);
    expect((await sap('submit', folder, '--endpoint', 'ftp://x')).code).toBe(2);
    expect((await sap('submit', folder, '--endpoint', api.apiUrl, '--study-id', 'a/b')).code).toBe(2);
    expect((await sap('submit', path.join(root, 'missing'), '--endpoint', api.apiUrl)).code).toBe(2);
    expect((await sap('submit', '--endpoint', api.apiUrl)).code).toBe(2);
    expect(api.requests).toHaveLength(0);
  });

  it('exits 2 when the API cannot be reached', async () => {
    const folder = await studyFolder('unreachable', { 'clinical.json': clinical, 'image/ct.nii.gz': volume });
    const url = api.apiUrl;
    await api.close();
    const { code, err } = await sap('submit', folder, '--endpoint', url);
    expect(code).toBe(2);
    expect(err).toContain('cannot reach the results API');
    api = await startFakeResultsApi();
  });
});

describe('sap status', () => {
  const at = (s: number) => new Date(Date.UTC(2025, 2, 1, 12, 0, s)).toISOString();
  const study = (
    status: StudyView['status'],
    stages: Partial<Record<StudyView['status'], string>>,
    extra = {},
  ) => ({
    status: 200,
    body: { studyId: 's1', status, manifestVersion: 'v1', updatedAt: at(50), stages, ...extra },
  });
  const received = { RECEIVED: at(0) };
  const validating = { ...received, VALIDATING: at(1) };
  const scoring = { ...validating, INFERRING: at(5), EXTRACTING: at(30), SCORING: at(40) };
  const result = {
    probability: 0.72,
    riskLevel: 'high',
    riskThresholds: { moderate: 0.3, high: 0.6 },
    topFactors: [{ text: 'Pleural effusion (1) raises the risk (+2.24 log-odds)' }],
    label: 'Synthetic demo model, not for clinical use',
    model: { name: 'sap-fusion-demo', version: 'demo-1' },
    scores: { bisap: { name: 'BISAP', value: 3, max: 5, partial: false, upperBound: 3 } },
  };
  const completed = study('COMPLETED', { ...scoring, COMPLETED: at(50) }, { result });
  const failure = {
    stage: 'Validate',
    code: 'INPUT_REJECTED',
    message: '[NOT_CT] image/: the modality is MR',
  };
  const failed = study('FAILED', { ...validating, FAILED: at(3) }, { error: failure });

  /** Simulated time: sleeping costs nothing, and the sleeps are recorded. */
  function fakeClock(): PollClock & { slept: number[] } {
    let now = 0;
    const slept: number[] = [];
    return {
      slept,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
      firstMs: 1000,
      maxMs: 15_000,
      factor: 1.5,
    };
  }
  async function status(args: string[], json = false) {
    const o = output();
    const clock = fakeClock();
    const code = await main(['status', ...args, ...(json ? ['--json'] : [])], o.io, { clock });
    return { code, out: o.out.join('\n'), err: o.err, slept: clock.slept };
  }

  it('prints the study once without --wait: 0 when found, 1 when FAILED or unknown', async () => {
    api.studyAnswers.push(completed);
    const found = await sap('status', 's1', '--endpoint', api.apiUrl);
    expect(found.code).toBe(0);
    expect(found.out).toContain('study s1: COMPLETED');
    expect(found.out).toContain('probability of severe acute pancreatitis: 72 % (high risk');
    expect(found.out).toContain('BISAP 3/5');
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: '/v1/studies/s1' });
    api.studyAnswers.splice(0, 1, failed);
    expect((await sap('status', 's1', '--endpoint', api.apiUrl)).code).toBe(1);
    api.studyAnswers.length = 0;
    const unknown = await sap('status', 's1', '--endpoint', api.apiUrl, '--json');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.err)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('--wait shows each stage once as it is entered and prints the final document on stdout', async () => {
    const notYet = { status: 404, body: { error: 'NOT_FOUND', message: 'no study s1' } };
    const busy = { status: 503, body: { error: 'INTERNAL_ERROR', message: 'try again' } };
    api.studyAnswers.push(notYet, study('RECEIVED', received), busy, study('VALIDATING', validating));
    api.studyAnswers.push(study('SCORING', scoring), study('SCORING', scoring), completed);
    const { code, out, err, slept } = await status(['s1', '--wait', '--endpoint', api.apiUrl]);
    expect(code).toBe(0);
    expect(out).toMatch(/^study s1: COMPLETED/);
    const stageLines = err.filter((line) => !line.includes('trying again'));
    expect(stageLines).toEqual([
      's1: RECEIVED   +0 s',
      's1: VALIDATING +1 s',
      's1: INFERRING  +5 s',
      's1: EXTRACTING +30 s',
      's1: SCORING    +40 s',
      's1: COMPLETED  +50 s',
    ]);
    expect(err.some((line) => line.includes('trying again'))).toBe(true);
    // Backs off while nothing changes, and starts again from the first interval after a change.
    expect(slept).toEqual([1000, 1000, 1500, 1000, 1000, 1500]);
  });

  it('--wait --json prints progress as JSON lines on stderr and the study on stdout', async () => {
    api.studyAnswers.push(study('RECEIVED', received), completed);
    const { code, out, err } = await status(['s1', '--wait', '--endpoint', api.apiUrl], true);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      studyId: 's1',
      status: 'COMPLETED',
      result: { riskLevel: 'high' },
    });
    expect(err.map((line) => JSON.parse(line).progress.status)).toEqual([
      'RECEIVED',
      'VALIDATING',
      'INFERRING',
      'EXTRACTING',
      'SCORING',
      'COMPLETED',
    ]);
  });

  it('--wait exits 1 on FAILED, printing the stage, code and message', async () => {
    api.studyAnswers.push(study('VALIDATING', validating), failed);
    const { code, out } = await status(['s1', '--wait', '--endpoint', api.apiUrl]);
    expect(code).toBe(1);
    expect(out).toContain('failed at Validate with INPUT_REJECTED:');
    expect(out).toContain('[NOT_CT] image/: the modality is MR');
  });

  it('--wait exits 2 after --timeout, saying where the study was', async () => {
    api.studyAnswers.push(study('INFERRING', { ...validating, INFERRING: at(5) }));
    const { code, out, err, slept } = await status([
      's1',
      '--wait',
      '--timeout',
      '20',
      '--endpoint',
      api.apiUrl,
    ]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.at(-1)).toContain('gave up waiting for study s1 after 20 s: still INFERRING');
    expect(slept.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('exits 2 on usage errors and on an API that refuses the caller', async () => {
    expect((await status(['a.b', '--endpoint', api.apiUrl])).code).toBe(2);
    expect((await status(['s1', '--wait', '--timeout', '0', '--endpoint', api.apiUrl])).code).toBe(2);
    expect((await status(['s1'])).code).toBe(2);
    expect((await status(['s1', '--endpoint', api.apiUrl, '--bogus'])).code).toBe(2);
    api.studyAnswers.push({ status: 403, body: { error: 'ACCESS_DENIED', message: 'not allowed' } });
    const denied = await status(['s1', '--wait', '--endpoint', api.apiUrl], true);
    expect(denied.code).toBe(2);
    expect(JSON.parse(denied.err.at(-1)!)).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
  });
});
