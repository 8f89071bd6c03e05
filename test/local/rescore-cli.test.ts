import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudyView } from '../../local/api-client';
import { main } from '../../cli/main';
import type { PollClock } from '../../cli/poll-clock';
import { startFakeResultsApi } from './fake-results-api';

type FakeApi = Awaited<ReturnType<typeof startFakeResultsApi>>;
let api: FakeApi;

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
/** A clock that never really sleeps: each sleep advances it. */
function fakeClock(): PollClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    firstMs: 1000,
    maxMs: 15_000,
    factor: 1.5,
    slept,
  };
}
async function rescoreWith(clock: PollClock, ...args: string[]) {
  const o = output();
  const code = await main(['rescore', ...args, '--endpoint', api.apiUrl], o.io, { clock });
  return { code, out: o.out.join('\n'), err: o.err.join('\n') };
}

const completed: StudyView = {
  studyId: 's1',
  status: 'COMPLETED',
  manifestVersion: 'v1',
  updatedAt: '2025-03-01T12:05:00.000Z',
  stages: { RECEIVED: '2025-03-01T12:00:00.000Z', COMPLETED: '2025-03-01T12:05:00.000Z' },
  result: { probability: 0.31, riskLevel: 'moderate', model: { name: 'sap-fusion', version: '1' } },
};
const rescored = (modelVersion: string, at: string, extra: Partial<StudyView> = {}): StudyView => ({
  ...completed,
  updatedAt: at,
  result: { probability: 0.62, riskLevel: 'high', model: { name: 'sap-fusion', version: modelVersion } },
  rescore: { modelVersion, status: 'COMPLETED', at },
  ...extra,
});
const ok = (study: StudyView) => ({ status: 200, body: study });
const posts = () => api.requests.filter((r) => r.method === 'POST');

beforeEach(async () => {
  delete process.env.SAP_API_URL;
  api = await startFakeResultsApi();
});
afterEach(async () => {
  await api.close();
});

describe('sap rescore', () => {
  it('asks the API to rescore with the version and prints the execution', async () => {
    const { code, out } = await sap('rescore', 's1', '--model-version', '2025-11', '--endpoint', api.apiUrl);
    expect(code).toBe(0);
    expect(out).toBe('s1: rescoring with fusion model 2025-11 (execution s1-r1)');
    expect(posts()).toHaveLength(1);
    expect(posts()[0]!.path).toBe('/v1/studies/s1/rescore');
    expect(JSON.parse(posts()[0]!.body.toString())).toEqual({ modelVersion: '2025-11' });
  });

  it('prints the API answer with --json', async () => {
    const { code, out } = await sap(
      'rescore',
      's1',
      '--model-version',
      '2',
      '--endpoint',
      api.apiUrl,
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ studyId: 's1', executionName: 's1-r1', modelVersion: '2' });
  });

  it('checks its arguments before calling anything', async () => {
    for (const args of [
      ['s1'],
      ['s1', '--model-version', '../x'],
      ['s1', '--model-version', '..'],
      ['a/b', '--model-version', '2'],
      ['s1', 's2', '--model-version', '2'],
      ['s1', '--model-version', '2', '--timeout', '0'],
    ]) {
      const { code, err } = await sap('rescore', ...args, '--endpoint', api.apiUrl);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toContain('Usage: sap rescore');
    }
    expect(api.requests).toHaveLength(0);
  });

  it('exits 1 with the API’s code when it refuses: no such model, a study not completed', async () => {
    api.answerRescoreWith({
      status: 404,
      body: { error: 'MODEL_NOT_FOUND', message: 'no fusion model version 9' },
    });
    const missing = await sap('rescore', 's1', '--model-version', '9', '--endpoint', api.apiUrl, '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.err)).toEqual({
      error: {
        code: 'MODEL_NOT_FOUND',
        message: 'the results API answered HTTP 404: no fusion model version 9',
      },
    });
    api.answerRescoreWith({ status: 409, body: { error: 'STUDY_NOT_COMPLETED', message: 'is INFERRING' } });
    expect((await sap('rescore', 's1', '--model-version', '2', '--endpoint', api.apiUrl)).code).toBe(1);
    api.answerRescoreWith({ status: 403, body: { error: 'ACCESS_DENIED', message: 'denied' } });
    expect((await sap('rescore', 's1', '--model-version', '2', '--endpoint', api.apiUrl)).code).toBe(2);
  });

  it('--wait polls until the study records this rescore, and prints the new result', async () => {
    const earlier = rescored('1b', '2025-03-01T13:00:00.000Z');
    api.studyAnswers.push(
      ok(earlier), // before the request: an older rescore, which must not count
      ok(earlier),
      { status: 503, body: { error: 'SERVICE_UNAVAILABLE', message: 'try again' } },
      ok(rescored('2', '2025-03-01T14:00:00.000Z')),
    );
    const clock = fakeClock();
    const { code, out, err } = await rescoreWith(clock, 's1', '--model-version', '2', '--wait');
    expect(err).toContain('trying again');
    expect(code).toBe(0);
    expect(out).toContain('study s1: COMPLETED');
    expect(clock.slept).toEqual([1000, 1500]);
    const order = api.requests.map((r) => r.method);
    expect(order).toEqual(['GET', 'POST', 'GET', 'GET', 'GET']);
  });

  it('--wait exits 1 with the failure when the rescore failed, the result unchanged', async () => {
    const failedAt = '2025-03-01T14:00:00.000Z';
    api.studyAnswers.push(
      ok(completed),
      ok({
        ...completed,
        rescore: {
          modelVersion: '2',
          status: 'FAILED',
          at: failedAt,
          error: { stage: 'Fuse', code: 'ARTIFACTS_MISSING', message: 'work/s1/v-… expired' },
        },
      }),
    );
    const { code, err } = await rescoreWith(fakeClock(), 's1', '--model-version', '2', '--wait');
    expect(code).toBe(1);
    expect(err).toMatch(/failed at Fuse with ARTIFACTS_MISSING: .*expired; its result is unchanged/);
  });

  it('--wait waits past another version’s rescore and stops when the study is uploaded again', async () => {
    api.studyAnswers.push(
      ok(completed),
      ok(rescored('3', '2025-03-01T14:00:00.000Z')),
      ok({ ...completed, manifestVersion: 'v2', status: 'VALIDATING' }),
    );
    const { code, err } = await rescoreWith(fakeClock(), 's1', '--model-version', '2', '--wait');
    expect(err).toContain('a rescore with 3 ended; still waiting');
    expect(err).toContain('uploaded again (manifest version v2)');
    expect(code).toBe(1);
  });

  it('--wait gives up after --timeout with exit 2', async () => {
    api.studyAnswers.push(ok(completed));
    const clock = fakeClock();
    const { code, err } = await rescoreWith(clock, 's1', '--model-version', '2', '--wait', '--timeout', '5');
    expect(code).toBe(2);
    expect(err).toContain('gave up waiting for the rescore of s1 after 5 s');
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(5000);
  });
});
