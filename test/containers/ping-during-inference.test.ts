import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceServer } from '../../containers/gpu-inference/server';
import { generatePhantom } from '../../core/phantom';
import { closeServer, listen } from '../../local/stack/http-server';
import {
  DEMO_MODEL_DIR,
  demoModelsPresent,
  putVolume,
  removeTemporaryDirs,
  requestFor,
  startS3Fixture,
  tinyModelDir,
  type S3Fixture,
} from './fixtures';

/**
 * SageMaker keeps sending GET /ping while an invocation runs and expects an answer within 2 s
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html#your-algorithms-inference-algo-ping-requests);
 * an instance that stops answering is taken for unhealthy and replaced, study and all. Gunzip, pre- and
 * post-processing and gzip of a 512×512×300 study once held the event loop for 1.9 s. This test keeps a
 * 4× margin below SageMaker's limit over one whole inference of that size.
 */
const STUDY_DIMS: [number, number, number] = [512, 512, 300];
const MAX_PING_MS = 500;
const PING_EVERY_MS = 50;

/**
 * Polls /ping from a thread of its own, so that a stalled server cannot also stall the clock that
 * measures it: each latency runs from sending the request to reading the whole answer.
 */
const PINGER = `
const { parentPort, workerData } = require('node:worker_threads');
let stop = false;
parentPort.once('message', () => { stop = true; });
(async () => {
  const latencies = [];
  const statuses = new Set();
  while (!stop) {
    const sent = performance.now();
    const response = await fetch(workerData.url);
    await response.arrayBuffer();
    latencies.push(performance.now() - sent);
    statuses.add(response.status);
    await new Promise((resolve) => setTimeout(resolve, workerData.everyMs));
  }
  parentPort.postMessage({ latencies, statuses: [...statuses] });
})();
`;

interface PingRecord {
  latencies: number[];
  statuses: number[];
}

function startPinger(url: string): { stop(): Promise<PingRecord> } {
  const worker = new Worker(PINGER, { eval: true, workerData: { url, everyMs: PING_EVERY_MS } });
  const record = new Promise<PingRecord>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const result = await record;
      await worker.terminate();
      return result;
    },
  };
}

let fixture: S3Fixture;
beforeAll(async () => {
  fixture = await startS3Fixture();
});
afterAll(async () => {
  await fixture.close();
  await removeTemporaryDirs();
});

describe('inference container: /ping while a study runs', () => {
  it(`answers /ping within ${MAX_PING_MS} ms throughout a ${STUDY_DIMS.join('×')} inference`, async () => {
    const { volume } = generatePhantom({ dims: STUDY_DIMS, seed: 31 });
    await putVolume(fixture.s3, 'large-study', volume);
    const { server, ready } = createInferenceServer({
      modelDir: demoModelsPresent ? DEMO_MODEL_DIR : await tinyModelDir(),
      s3: fixture.s3,
      threads: 1,
      device: 'cpu',
    });
    const base = `http://127.0.0.1:${await listen(server)}`;
    try {
      await ready;
      const pinger = startPinger(`${base}/ping`);
      const started = performance.now();
      const invocation = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(requestFor('large-study')),
      });
      const inferenceMs = performance.now() - started;
      const { latencies, statuses } = await pinger.stop();

      expect(invocation.status).toBe(200);
      expect(statuses).toEqual([200]);
      const worst = Math.max(...latencies);
      const summary =
        `worst /ping ${worst.toFixed(0)} ms over ${latencies.length} pings ` +
        `during a ${(inferenceMs / 1000).toFixed(1)} s inference`;
      console.info(summary);
      // Pings throughout, not only before or after: the run must be long against the polling interval.
      expect(latencies.length, summary).toBeGreaterThan(inferenceMs / (PING_EVERY_MS + MAX_PING_MS));
      expect(worst, summary).toBeLessThan(MAX_PING_MS);
    } finally {
      await closeServer(server);
    }
  });
});
