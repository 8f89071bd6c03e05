import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  InvokeEndpointAsyncCommand,
  SageMakerRuntimeClient,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isTransientInferenceFailure,
  readInferenceNotification,
} from '../../../core/pipeline/inference-notification';
import { closeServer, listen } from '../../../local/stack/http-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/stack/local-env';
import { startS3, type LocalS3 } from '../../../local/stack/s3-server';
import {
  createSageMakerEndpoint,
  type AsyncNotification,
  type LocalSageMaker,
} from '../../../local/stack/sagemaker-endpoint';

const BUCKET = 'studies';
const ENDPOINT = 'sap-test-inference';

let dir: string;
let s3Server: LocalS3;
let s3: S3Client;
let container: Server;
let endpoint: LocalSageMaker;
let client: SageMakerRuntimeClient;
const notifications: AsyncNotification[] = [];
/** What the stand-in container answers: its status and body, by the request body it gets. */
const answers: Record<string, { status: number; body: unknown }> = {
  '{"case":"ok"}': { status: 200, body: { probability: 0.4 } },
  '{"case":"refused"}': {
    status: 422,
    body: { error: 'VOLUME_TOO_SMALL', message: 'the volume is 8 slices' },
  },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sap-sagemaker-'));
  s3Server = await startS3({ directory: dir, buckets: [BUCKET] });
  s3 = new S3Client({
    endpoint: s3Server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // A stand-in for the inference container's HTTP contract: answers by the request it is sent.
  container = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const answer = answers[Buffer.concat(chunks).toString()] ?? { status: 500, body: { error: 'UNKNOWN' } };
      response
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer.body));
    });
  });
  const containerPort = await listen(container);
  endpoint = createSageMakerEndpoint({
    endpointName: ENDPOINT,
    region: LOCAL_REGION,
    outputBucket: BUCKET,
    s3,
    containerUrl: `http://127.0.0.1:${containerPort}`,
    publish: async (n) => void notifications.push(n),
    onFault: (id, error) => {
      throw new Error(`inference ${id} faulted: ${String(error)}`);
    },
  });
  const port = await listen(endpoint.server);
  client = new SageMakerRuntimeClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  client?.destroy();
  endpoint?.stop();
  await Promise.all([endpoint && closeServer(endpoint.server), container && closeServer(container)]);
  s3?.destroy();
  await s3Server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function invoke(caseName: string, inferenceId: string) {
  const key = `work/${inferenceId}/request.json`;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify({ case: caseName }) }));
  const answer = await client.send(
    new InvokeEndpointAsyncCommand({
      EndpointName: ENDPOINT,
      InputLocation: `s3://${BUCKET}/${key}`,
      ContentType: 'application/json',
      InferenceId: inferenceId,
      InvocationTimeoutSeconds: 60,
    }),
  );
  await endpoint.idle();
  return answer;
}

const objectText = async (location: string) => {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)!;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString();
};

describe('local SageMaker asynchronous endpoint (InvokeEndpointAsync through the real SDK client)', () => {
  it('accepts with 202, runs the container on the S3 input, writes the output and notifies success', async () => {
    const answer = await invoke('ok', 'inference-ok');
    expect(answer.InferenceId).toBe('inference-ok');
    expect(answer.OutputLocation).toBe(`s3://${BUCKET}/inference-output/responses/inference-ok.out`);
    expect(JSON.parse(await objectText(answer.OutputLocation!))).toEqual({ probability: 0.4 });
    const notification = notifications.find(
      (n) => readInferenceNotification(n.message).inferenceId === 'inference-ok',
    )!;
    expect(notification.topic).toBe('success');
    expect(readInferenceNotification(notification.message)).toEqual({
      inferenceId: 'inference-ok',
      succeeded: true,
      outputLocation: answer.OutputLocation,
    });
  });

  it("notifies the error topic with the container's status and message when it refuses", async () => {
    const answer = await invoke('refused', 'inference-refused');
    const notification = notifications.find((n) => n.message.includes('inference-refused'))!;
    expect(notification.topic).toBe('error');
    const outcome = readInferenceNotification(notification.message);
    expect(outcome).toMatchObject({ succeeded: false, reason: expect.stringContaining('(422)') });
    expect(outcome.succeeded || outcome.reason).toContain('VOLUME_TOO_SMALL');
    expect(await objectText(answer.FailureLocation!)).toContain('the volume is 8 slices');
  });

  it('refuses an unknown endpoint or a missing input location with ValidationError', async () => {
    await expect(
      client.send(
        new InvokeEndpointAsyncCommand({ EndpointName: 'other', InputLocation: `s3://${BUCKET}/x` }),
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      client.send(new InvokeEndpointAsyncCommand({ EndpointName: ENDPOINT, InputLocation: 'not-s3' })),
    ).rejects.toThrow(/InputLocation/);
  });
});

// InvokeEndpointAsync: RequestTTLSeconds 60–21,600 (a request still queued after it expires),
// InvocationTimeoutSeconds 1–3,600.
// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointAsync.html
describe("InvokeEndpointAsync's RequestTTLSeconds and InvocationTimeoutSeconds", () => {
  const send = (settings: { RequestTTLSeconds?: number; InvocationTimeoutSeconds?: number }) =>
    client.send(
      new InvokeEndpointAsyncCommand({
        EndpointName: ENDPOINT,
        InputLocation: `s3://${BUCKET}/work/none/request.json`,
        ...settings,
      }),
    );

  it.each([
    [{ RequestTTLSeconds: 59 }, /RequestTTLSeconds/],
    [{ RequestTTLSeconds: 21_601 }, /RequestTTLSeconds/],
    [{ InvocationTimeoutSeconds: 0 }, /InvocationTimeoutSeconds/],
    [{ InvocationTimeoutSeconds: 3601 }, /InvocationTimeoutSeconds/],
  ])('refuses %o with ValidationError', async (settings, message) => {
    const refused = send(settings);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(message);
  });

  it('expires a request still queued after its TTL through the error topic, without running it', async () => {
    // One invocation at a time; the clock runs 1,000 times fast, so a 60 s TTL is 60 ms.
    const notified: AsyncNotification[] = [];
    const ran: string[] = [];
    const slow = createServer((request, response) => {
      ran.push(String(request.headers['content-type']));
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 400);
    });
    const scaled = createSageMakerEndpoint({
      endpointName: ENDPOINT,
      region: LOCAL_REGION,
      outputBucket: BUCKET,
      s3,
      containerUrl: `http://127.0.0.1:${await listen(slow)}`,
      publish: async (n) => void notified.push(n),
      onFault: (id, error) => {
        throw new Error(`inference ${id} faulted: ${String(error)}`);
      },
      timeScale: 0.001,
    });
    const scaledClient = new SageMakerRuntimeClient({
      endpoint: `http://127.0.0.1:${await listen(scaled.server)}`,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'work/ttl/request.json', Body: '{}' }));
      const request = (id: string, contentType: string, ttl: number) =>
        scaledClient.send(
          new InvokeEndpointAsyncCommand({
            EndpointName: ENDPOINT,
            InputLocation: `s3://${BUCKET}/work/ttl/request.json`,
            ContentType: contentType,
            InferenceId: id,
            RequestTTLSeconds: ttl,
            InvocationTimeoutSeconds: 3600,
          }),
        );
      await request('runs-first', 'application/first', 60);
      await request('waits-too-long', 'application/second', 60);
      // Queued behind a 400 ms invocation, the 60 ms TTL passes; a long TTL outlasts the wait.
      await request('waits-long-enough', 'application/third', 21_600);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await scaled.idle();
      const byId = new Map(notified.map((n) => [readInferenceNotification(n.message).inferenceId, n]));
      expect([...byId.keys()].sort()).toEqual(['runs-first', 'waits-long-enough', 'waits-too-long']);
      const late = byId.get('waits-too-long')!;
      expect(late.topic).toBe('error');
      expect(JSON.parse(late.message)).toMatchObject({ invocationStatus: 'Expired' });
      const outcome = readInferenceNotification(late.message);
      expect(outcome).toEqual({
        inferenceId: 'waits-too-long',
        succeeded: false,
        reason: 'invocation status Expired',
      });
      expect(isTransientInferenceFailure(outcome.succeeded ? '' : outcome.reason)).toBe(true);
      expect([byId.get('runs-first')!.topic, byId.get('waits-long-enough')!.topic]).toEqual([
        'success',
        'success',
      ]);
      expect(ran).toEqual(['application/first', 'application/third']);
    } finally {
      scaledClient.destroy();
      scaled.stop();
      await Promise.all([closeServer(scaled.server), closeServer(slow)]);
    }
  });
});
