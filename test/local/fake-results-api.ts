import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

/**
 * A stand-in for the results API and S3 in one HTTP server: POST {base}/studies hands out upload URLs that
 * point back at it (/bucket/{key}), PUTs are stored, GET {base}/studies/{id} answers from a script,
 * POST {base}/studies/{id}/rescore answers 202 (or as told).
 * Every request is recorded, so tests can check order, bodies and signing headers.
 */
export async function startFakeResultsApi(base = '/v1') {
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, Buffer>();
  const studyAnswers: FakeAnswer[] = [];
  const putFailures: number[] = [];
  let createAnswer: FakeAnswer | undefined;
  let rescoreAnswer: FakeAnswer | undefined;
  let url = '';

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const body = Buffer.concat(chunks);
      requests.push({ method: request.method ?? '', path, headers: request.headers, body });
      const answer = respond(request.method ?? '', path, body);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
  });

  function respond(method: string, path: string, body: Buffer): FakeAnswer {
    if (method === 'POST' && path === `${base}/studies`)
      return createAnswer ?? plan(JSON.parse(body.toString()));
    if (method === 'PUT' && path.startsWith('/bucket/')) {
      const failure = putFailures.shift();
      if (failure) return { status: failure, body: '<Error><Code>SlowDown</Code></Error>' };
      objects.set(path.slice('/bucket/'.length), body);
      return { status: 200, body: '' };
    }
    const rescore = new RegExp(`^${base}/studies/([^/]+)/rescore$`).exec(path);
    if (method === 'POST' && rescore) {
      const { modelVersion } = JSON.parse(body.toString()) as { modelVersion: string };
      const studyId = decodeURIComponent(rescore[1]!);
      return (
        rescoreAnswer ?? { status: 202, body: { studyId, executionName: `${studyId}-r1`, modelVersion } }
      );
    }
    if (method === 'GET' && path.startsWith(`${base}/studies/`)) {
      const next = studyAnswers.length > 1 ? studyAnswers.shift() : studyAnswers[0];
      return next ?? { status: 404, body: { error: 'NOT_FOUND', message: 'no study' } };
    }
    return { status: 404, body: { error: 'NOT_FOUND', message: `no route ${method} ${path}` } };
  }

  function plan(request: { studyId?: string; files: { path: string }[] }): FakeAnswer {
    const studyId = request.studyId ?? 'fake-study-1';
    const paths = [...request.files.map((f) => f.path), 'manifest.json'];
    const uploads = paths.map((path) => {
      const key = `incoming/${studyId}/${path}`;
      return { path, key, url: `${url}/bucket/${key}?X-Amz-Signature=${'0'.repeat(64)}` };
    });
    return {
      status: 201,
      body: { studyId, uploads, expiresAt: new Date().toISOString(), note: 'manifest last' },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    /** The API's base URL, as a stack output gives it (with a stage path). */
    apiUrl: `${url}${base}`,
    requests,
    objects,
    /** Answers of GET /studies/{id}, in turn; the last one repeats. */
    studyAnswers,
    /** Statuses the next PUTs fail with, in turn. */
    putFailures,
    answerCreateWith(answer: FakeAnswer) {
      createAnswer = answer;
    },
    /** Answer of POST /studies/{id}/rescore; default 202 with an execution name. */
    answerRescoreWith(answer: FakeAnswer) {
      rescoreAnswer = answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
