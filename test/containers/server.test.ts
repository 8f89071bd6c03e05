import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceServer } from '../../containers/gpu-inference/server';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createInferenceServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('inference container: SageMaker HTTP contract', () => {
  it('answers GET /ping with 200', async () => {
    const response = await fetch(`${base}/ping`);
    expect(response.status).toBe(200);
  });

  it('refuses POST /invocations with 501 and the reason, never a made-up result', async () => {
    const response = await fetch(`${base}/invocations`, { method: 'POST', body: '{"studyId":"s1"}' });
    expect(response.status).toBe(501);
    expect(await response.json()).toMatchObject({
      error: 'NOT_IMPLEMENTED',
      message: expect.stringContaining('#5'),
    });
  });

  it('answers unknown paths with 404', async () => {
    expect((await fetch(`${base}/invocations/extra`, { method: 'POST' })).status).toBe(404);
  });
});
