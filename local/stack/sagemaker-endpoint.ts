import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readBody, sendJson } from './http-server';
import { scaledTimeout } from './step-functions/timers';

/** Where the deployed endpoint config writes responses and failures (lib/constructs/inference-endpoint.ts). */
const OUTPUT_PREFIX = 'inference-output/responses/';
const FAILURE_PREFIX = 'inference-output/failures/';
/**
 * InvokeEndpointAsync's limits: an inference id of at most 64 characters; InvocationTimeoutSeconds 1 to
 * 3,600 (default 900); RequestTTLSeconds, how long a request may wait in the queue before it expires, 60 to
 * 21,600 (default 21,600). https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointAsync.html
 */
const MAX_INFERENCE_ID = 64;
const INVOCATION_SECONDS = { min: 1, max: 3600, default: 900 } as const;
const REQUEST_TTL_SECONDS = { min: 60, max: 21_600, default: 21_600 } as const;
/** Room for the container's error body in a failure reason (SNS messages are capped at 256 KB). */
const MAX_REASON_BODY = 2000;

export interface AsyncNotification {
  /** The success or the error topic. */
  topic: 'success' | 'error';
  message: string;
}

export interface LocalSageMakerOptions {
  endpointName: string;
  region: string;
  /** Bucket of the endpoint's output and failure paths. */
  outputBucket: string;
  s3: S3Client;
  /**
   * Base URL of the inference container's server (GET /ping, POST /invocations), once it listens; a
   * function is asked again for every invocation.
   */
  containerUrl: string | Promise<string> | (() => Promise<string>);
  /** Publishes the async notification; the local stack hands it to the callback function as SNS would. */
  publish(notification: AsyncNotification): Promise<void>;
  /** An invocation that could not be completed or notified (its output could not be written). */
  onFault(inferenceId: string, error: unknown): void;
  /** Invocations served at once (the endpoint config's maxConcurrentInvocationsPerInstance). Default 1. */
  concurrency?: number;
  timeScale?: number;
  /** Floor of the scaled invocation timeout (see scaledTimeout). Default 0. */
  minTimeoutSeconds?: number;
}

interface Invocation {
  inferenceId: string;
  endpointName: string;
  inputLocation: string;
  contentType: string;
  timeoutSeconds: number;
  requestTtlSeconds: number;
  receivedTime: string;
}

export interface LocalSageMaker {
  server: Server;
  /** Resolves once every queued invocation has finished and notified. */
  idle(): Promise<void>;
  /** Drops queued invocations and abandons running ones. */
  stop(): void;
}

/**
 * A SageMaker asynchronous endpoint for the runtime API's InvokeEndpointAsync (POST
 * /endpoints/{name}/async-invocations → 202 with the inference id and output location): the request is
 * queued, its input read from S3 and posted to the container's /invocations, the answer written to the
 * output (or failure) location, and the notification published, as the deployed endpoint does.
 */
export function createSageMakerEndpoint(options: LocalSageMakerOptions): LocalSageMaker {
  const queue: Invocation[] = [];
  const active = new Set<Promise<void>>();
  /** Expiry notifications being published: idle() waits for them too. */
  const expiring = new Set<Promise<void>>();
  /** The TTL timer of each queued request, cleared when it leaves the queue. */
  const expiries = new Map<Invocation, NodeJS.Timeout>();
  const stopping = new AbortController();
  const concurrency = options.concurrency ?? 1;

  const pump = () => {
    while (active.size < concurrency && queue.length > 0 && !stopping.signal.aborted) {
      const invocation = queue.shift()!;
      clearTimeout(expiries.get(invocation));
      expiries.delete(invocation);
      const job = serve(invocation, options, stopping.signal)
        .catch((error: unknown) => options.onFault(invocation.inferenceId, error))
        .finally(() => {
          active.delete(job);
          pump();
        });
      active.add(job);
    }
  };

  // A request still queued after its RequestTTLSeconds is dropped unrun, and the error topic told.
  const enqueue = (invocation: Invocation) => {
    const ttlMs =
      scaledTimeout(invocation.requestTtlSeconds, options.timeScale ?? 1, options.minTimeoutSeconds) * 1000;
    const timer = setTimeout(() => {
      expiries.delete(invocation);
      const at = queue.indexOf(invocation);
      if (at < 0 || stopping.signal.aborted) return;
      queue.splice(at, 1);
      const job = publishExpired(invocation, options)
        .catch((error: unknown) => options.onFault(invocation.inferenceId, error))
        .finally(() => expiring.delete(job));
      expiring.add(job);
    }, ttlMs);
    timer.unref();
    expiries.set(invocation, timer);
    queue.push(invocation);
    pump();
  };

  const server = createServer((request, response) => {
    accept(request, response, options).then(
      (invocation) => {
        if (invocation) enqueue(invocation);
      },
      (error: unknown) => sendJson(response, 500, { message: (error as Error).message }),
    );
  });

  return {
    server,
    idle: async () => {
      while (active.size > 0 || expiring.size > 0) await Promise.all([...active, ...expiring]);
    },
    stop: () => {
      queue.length = 0;
      for (const timer of expiries.values()) clearTimeout(timer);
      expiries.clear();
      stopping.abort();
    },
  };
}

async function accept(
  request: IncomingMessage,
  response: ServerResponse,
  options: LocalSageMakerOptions,
): Promise<Invocation | undefined> {
  const match = /^\/endpoints\/([^/]+)\/async-invocations$/.exec(request.url ?? '');
  await readBody(request, 1024 * 1024);
  if (request.method !== 'POST' || !match) {
    sendJson(
      response,
      404,
      { message: `no route ${request.method} ${request.url}` },
      { 'x-amzn-errortype': 'UnknownOperationException' },
    );
    return undefined;
  }
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const endpointName = decodeURIComponent(match[1]!);
  const inputLocation = header('x-amzn-sagemaker-inputlocation');
  const inferenceId = header('x-amzn-sagemaker-inference-id') ?? randomUUID();
  const seconds = (name: string, fallback: number) => Number(header(name) ?? fallback);
  const timeout = seconds('x-amzn-sagemaker-invocationtimeoutseconds', INVOCATION_SECONDS.default);
  const ttl = seconds('x-amzn-sagemaker-requestttlseconds', REQUEST_TTL_SECONDS.default);
  const within = (value: number, range: { min: number; max: number }) =>
    Number.isInteger(value) && value >= range.min && value <= range.max;
  const problem =
    endpointName !== options.endpointName
      ? `Endpoint ${endpointName} not found.`
      : !inputLocation || !parseS3Url(inputLocation)
        ? 'InputLocation must be an s3:// URL.'
        : inferenceId.length > MAX_INFERENCE_ID
          ? `InferenceId is longer than ${MAX_INFERENCE_ID} characters.`
          : !within(timeout, INVOCATION_SECONDS)
            ? `InvocationTimeoutSeconds must be an integer from ${INVOCATION_SECONDS.min} to ${INVOCATION_SECONDS.max}.`
            : !within(ttl, REQUEST_TTL_SECONDS)
              ? `RequestTTLSeconds must be an integer from ${REQUEST_TTL_SECONDS.min} to ${REQUEST_TTL_SECONDS.max}.`
              : undefined;
  if (problem) {
    sendJson(response, 400, { Message: problem }, { 'x-amzn-errortype': 'ValidationError' });
    return undefined;
  }
  sendJson(
    response,
    202,
    { InferenceId: inferenceId },
    {
      'x-amzn-sagemaker-outputlocation': outputLocation(options, inferenceId),
      'x-amzn-sagemaker-failurelocation': failureLocation(options, inferenceId),
    },
  );
  return {
    inferenceId,
    endpointName,
    inputLocation: inputLocation!,
    contentType: header('x-amzn-sagemaker-content-type') ?? 'application/octet-stream',
    timeoutSeconds: timeout,
    requestTtlSeconds: ttl,
    receivedTime: new Date().toISOString(),
  };
}

type ContainerAnswer =
  { ok: true; body: Uint8Array; contentType: string } | { ok: false; reason: string; body?: Uint8Array };

async function serve(
  invocation: Invocation,
  options: LocalSageMakerOptions,
  signal: AbortSignal,
): Promise<void> {
  const answer = await callContainer(invocation, options, signal);
  if (signal.aborted) return;
  const base = notificationBase(invocation, options);
  if (answer.ok) {
    const location = outputLocation(options, invocation.inferenceId);
    await put(options, location, answer.body, answer.contentType);
    const message = {
      ...base,
      invocationStatus: 'Completed',
      responseParameters: { contentType: answer.contentType, outputLocation: location },
    };
    await options.publish({ topic: 'success', message: JSON.stringify(message) });
  } else {
    const location = failureLocation(options, invocation.inferenceId);
    if (answer.body) await put(options, location, answer.body, 'application/json');
    const message = {
      ...base,
      invocationStatus: 'Failed',
      failureReason: answer.reason,
      responseParameters: { contentType: 'application/json', failureLocation: location },
    };
    await options.publish({ topic: 'error', message: JSON.stringify(message) });
  }
}

/** The fields of every notification about `invocation`. */
function notificationBase(invocation: Invocation, options: LocalSageMakerOptions) {
  return {
    awsRegion: options.region,
    eventTime: new Date().toISOString(),
    receivedTime: invocation.receivedTime,
    requestParameters: {
      contentType: invocation.contentType,
      endpointName: invocation.endpointName,
      inputLocation: invocation.inputLocation,
    },
    inferenceId: invocation.inferenceId,
    eventVersion: '1.0',
    eventSource: 'aws:sagemaker',
    eventName: 'InferenceResult',
  };
}

/**
 * A request that outlived its RequestTTLSeconds in the queue: it never reaches the model and the error
 * topic gets invocation status Expired (no output or failure object is written).
 */
async function publishExpired(invocation: Invocation, options: LocalSageMakerOptions): Promise<void> {
  const message = { ...notificationBase(invocation, options), invocationStatus: 'Expired' };
  await options.publish({ topic: 'error', message: JSON.stringify(message) });
}

/** The input from S3, posted to the container; any fault becomes a failure reason, as SageMaker reports it. */
async function callContainer(
  invocation: Invocation,
  options: LocalSageMakerOptions,
  signal: AbortSignal,
): Promise<ContainerAnswer> {
  const { bucket, key } = parseS3Url(invocation.inputLocation)!;
  let input: Uint8Array;
  try {
    const object = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
      abortSignal: signal,
    });
    input = await object.Body!.transformToByteArray();
  } catch (error) {
    return {
      ok: false,
      reason: `ClientError: could not read the input ${invocation.inputLocation} (${(error as Error).name})`,
    };
  }
  const timeoutMs =
    scaledTimeout(invocation.timeoutSeconds, options.timeScale ?? 1, options.minTimeoutSeconds) * 1000;
  const { containerUrl } = options;
  const base = typeof containerUrl === 'function' ? await containerUrl() : await containerUrl;
  let response: Response;
  try {
    response = await fetch(`${base}/invocations`, {
      method: 'POST',
      headers: { 'content-type': invocation.contentType },
      body: input,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    const name = (error as Error).name;
    return name === 'TimeoutError'
      ? {
          ok: false,
          reason: `InvocationTimeout: the model did not answer within ${invocation.timeoutSeconds} seconds`,
        }
      : { ok: false, reason: `ModelError: the model container could not be reached (${causeOf(error)})` };
  }
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.ok)
    return {
      ok: true,
      body,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    };
  const kind = response.status >= 500 ? 'server' : 'client';
  const text = new TextDecoder().decode(body).slice(0, MAX_REASON_BODY);
  return {
    ok: false,
    body,
    reason: `ModelError: Received ${kind} error (${response.status}) from the model with message "${text}"`,
  };
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}

async function put(options: LocalSageMakerOptions, location: string, body: Uint8Array, contentType: string) {
  const { bucket, key } = parseS3Url(location)!;
  await options.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
  );
}

const outputLocation = (options: LocalSageMakerOptions, id: string) =>
  `s3://${options.outputBucket}/${OUTPUT_PREFIX}${id}.out`;
const failureLocation = (options: LocalSageMakerOptions, id: string) =>
  `s3://${options.outputBucket}/${FAILURE_PREFIX}${id}-error.out`;

function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
