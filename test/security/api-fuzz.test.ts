import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/phantom';
import { BAD_INPUTS } from '../bad-inputs/corpus';
import { startE2eStack, type E2eStack } from '../e2e/local-stack';

let e2e: E2eStack;
let port: number;
/** A `next` token the API handed out for GET /studies?status=FAILED&limit=1. */
let realToken: string;

beforeAll(async () => {
  e2e = await startE2eStack();
  port = Number(new URL(e2e.stack.apiUrl).port);
  // Three FAILED studies (rejected at Validate in well under a second): pages and tokens to tamper with.
  for (const [index, badInput] of BAD_INPUTS.slice(0, 3).entries())
    await e2e.run(`fuzz-${index}`, badInput.build());
  const page = await send('GET', '/studies?status=FAILED&limit=1');
  realToken = (JSON.parse(page.body) as { next: string }).next;
  expect(realToken).toEqual(expect.any(String));
});
afterAll(() => e2e?.close());

interface Answer {
  status: number;
  body: string;
}

/** One request with the path sent exactly as written (fetch would normalise `..` and `%2e`). */
function send(method: string, rawPath: string, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A fresh connection each: one request's refusal cannot break the next one's socket.
    const outgoing = request({ host: '127.0.0.1', port, method, path: rawPath, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    outgoing.on('error', (e) => reject(new Error(`${method} ${rawPath.slice(0, 200)}: ${e.message}`)));
    outgoing.end(body);
  });
}

/** A refusal is a 4xx with the API's error body: a code and a message that says what was wrong. */
function expectAnswered(method: string, rawPath: string, answer: Answer): void {
  const what = `${method} ${rawPath.slice(0, 120)} → ${answer.status} ${answer.body.slice(0, 200)}`;
  expect(answer.status, what).toBeLessThan(500);
  // Node's HTTP parser answers a request line over its 16 KiB header limit itself, without a body.
  if (answer.status < 400 || method === 'HEAD' || answer.status === 431) return;
  let error: { error?: unknown; message?: unknown } = {};
  try {
    error = JSON.parse(answer.body) as typeof error;
  } catch {
    expect.fail(`${what}: the body is not JSON`);
  }
  expect(error.error, what).toMatch(/^[A-Z][A-Z_]+$/);
  expect(String(error.message).length, what).toBeGreaterThan(5);
}

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const tokenWith = (change: Record<string, unknown>) =>
  token({ ...(JSON.parse(Buffer.from(realToken, 'base64url').toString()) as object), ...change });

/** Built once the real token exists. */
const crafted = (): [method: string, path: string, body?: string][] => [
  // paths: traversal, encoded slashes and dots, bad escapes, odd ids
  ['GET', '/'],
  ['GET', '/studies/../studies'],
  ['GET', '/studies/%2e%2e'],
  ['GET', '/studies/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['GET', '/studies/..%2F..%2Fwork%2Ffuzz-0'],
  ['GET', '/studies/a%2Fb'],
  ['GET', '/studies/fuzz-0%00'],
  ['GET', '/studies/%ZZ'],
  ['GET', '/studies/%E0%A4%A'],
  ['GET', `/studies/${'a'.repeat(10_000)}`],
  ['GET', '/studies/%D1%95tudy'],
  ['GET', '/studies/fuzz%E2%80%8B-0'],
  ['GET', '/studies/a%20b'],
  ['GET', '/studies/a+b'],
  ['GET', '//studies'],
  ['GET', '/Studies/fuzz-0'],
  ['GET', '/studies/fuzz-0/extra/segments'],
  ['GET', '/studies/fuzz-0/rescore'],
  // queries: statuses, limits, next tokens
  ['GET', '/studies'],
  ['GET', '/studies?status=failed'],
  ['GET', '/studies?status=FAILED&status=COMPLETED'],
  ['GET', '/studies?status[]=FAILED'],
  ...[
    '0',
    '-1',
    '101',
    '1e9',
    '99999999999999999999999',
    '1.5',
    'abc',
    'NaN',
    'Infinity',
    '',
    '%20',
    '0x10',
  ].map((limit): [string, string] => ['GET', `/studies?status=FAILED&limit=${limit}`]),
  ['GET', '/studies?status=FAILED&next='],
  ['GET', '/studies?status=FAILED&next=x'],
  ['GET', '/studies?status=FAILED&next=%21%21%21'],
  ['GET', `/studies?status=FAILED&next=${token(null)}`],
  ['GET', `/studies?status=FAILED&next=${token([])}`],
  ['GET', `/studies?status=FAILED&next=${token('x'.repeat(50_000))}`],
  ['GET', `/studies?status=COMPLETED&next=${realToken}`],
  ['GET', `/studies?status=FAILED&next=${tokenWith({ studyId: 'x'.repeat(5000) })}`],
  ['GET', `/studies?status=FAILED&next=${tokenWith({ updatedAt: 'y'.repeat(5000) })}`],
  ['GET', `/studies?status=FAILED&next=${tokenWith({ studyId: '../../etc' })}`],
  ['GET', `/studies?status=FAILED&next=${tokenWith({ extra: 1 })}`],
  ['GET', `/studies?status=FAILED&next=${tokenWith({ studyId: 42 })}`],
  ['GET', `/studies?status=FAILED&next=${tokenWith({ studyId: { S: 'x' } })}`],
  // methods
  ...['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'].flatMap((method): [string, string][] => [
    [method, '/studies'],
    [method, '/studies/fuzz-0'],
  ]),
  ['POST', '/studies/fuzz-0'],
  // bodies: POST /studies and a rescore
  ['POST', '/studies', 'not json'],
  ['POST', '/studies', '[]'],
  ['POST', '/studies', 'null'],
  ['POST', '/studies', '{"files": "clinical.json"}'],
  ['POST', '/studies', JSON.stringify({ studyId: '../victim', files: [{ path: 'clinical.json', size: 1 }] })],
  ['POST', '/studies', JSON.stringify({ files: [{ path: '../victim/clinical.json', size: 1 }] })],
  [
    'POST',
    '/studies',
    JSON.stringify({
      files: [
        { path: 'image/%2e%2e/x.nii', size: 1 },
        { path: 'clinical.json', size: 1 },
      ],
    }),
  ],
  [
    'POST',
    '/studies',
    JSON.stringify({
      files: Array.from({ length: 10_000 }, (_, i) => ({ path: `image/${i}.dcm`, size: 1 })),
    }),
  ],
  ['POST', '/studies', JSON.stringify({ files: [{ path: 'clinical.json', size: -1 }] })],
  ['POST', '/studies', JSON.stringify({ files: [{ path: 'clinical.json', size: 1e300 }] })],
  ['POST', '/studies', JSON.stringify({ files: [], __proto__: { polluted: true } })],
  ['POST', '/studies/fuzz-0/rescore', 'not json'],
  ['POST', '/studies/fuzz-0/rescore', JSON.stringify({ modelVersion: '../../1' })],
  ['POST', '/studies/%2e%2e/rescore', JSON.stringify({ modelVersion: '1' })],
];

describe('results API fuzz: every request is answered, never with a 5xx', () => {
  it('answers crafted requests: traversal, encodings, limits, tokens, methods, bodies', async () => {
    const requests = crafted();
    expect(requests.length).toBeGreaterThan(70);
    for (const [method, rawPath, body] of requests)
      expectAnswered(method, rawPath, await send(method, rawPath, body));
  });

  it('refuses tampered and foreign next tokens with INVALID_QUERY, and follows the real one', async () => {
    for (const next of [
      tokenWith({ studyId: 'x'.repeat(5000) }),
      tokenWith({ extra: 1 }),
      'x',
      token(null),
    ]) {
      const answer = await send('GET', `/studies?status=FAILED&next=${next}`);
      expect(answer.status, next.slice(0, 40)).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'INVALID_QUERY' });
    }
    expect((await send('GET', `/studies?status=COMPLETED&next=${realToken}`)).status).toBe(400);
    expect((await send('GET', `/studies?status=FAILED&limit=1&next=${realToken}`)).status).toBe(200);
  });

  it('refuses a body over 10 MiB with 413', async () => {
    const answer = await send('POST', '/studies', Buffer.alloc(11 * 1024 * 1024, 0x20));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers 400 random requests built from hostile characters (seeded)', async () => {
    const rng = createRng(8, 'api-fuzz');
    const pieces = [
      'studies',
      'fuzz-0',
      '..',
      '.',
      '%2e',
      '%2F',
      '%00',
      '%ZZ',
      '%',
      '%E2%80%AE',
      '~',
      'a',
      '-',
      '_',
      '%20',
      '+',
      ';',
      '*',
      "'",
      '"',
      '<',
      '{',
    ];
    const queries = ['status', 'limit', 'next', 'x'];
    const values = ['FAILED', 'COMPLETED', '1', '-5', '1e400', '', '%', 'x'.repeat(300), realToken, '%00'];
    const methods = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'];
    for (let n = 0; n < 400; n++) {
      const segments = Array.from({ length: rng.int(0, 4) }, () =>
        Array.from({ length: rng.int(1, 3) }, () => rng.pick(pieces)).join(''),
      );
      const path = `/${rng.chance(0.8) ? 'studies/' : ''}${segments.join('/')}`;
      const query = Array.from(
        { length: rng.int(0, 3) },
        () => `${rng.pick(queries)}=${rng.pick(values)}`,
      ).join('&');
      const method = rng.pick(methods);
      const body =
        method === 'POST' ? rng.pick(['{}', '{"files":[]}', '[', '"x"', '{"modelVersion":1}']) : undefined;
      const rawPath = query ? `${path}?${query}` : path;
      expectAnswered(method, rawPath, await send(method, rawPath, body));
    }
  }, 60_000);

  it('still serves a study after the fuzz', async () => {
    const answer = await send('GET', '/studies/fuzz-0');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ studyId: 'fuzz-0', status: 'FAILED' });
    expect(e2e.stack.deadLetters).toEqual([]);
  });
});
