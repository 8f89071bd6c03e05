import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import type { Device } from '../../core/inference/execution-provider';
import { HttpError, STATUS } from './http-error';
import { readBody, respondError, respondJson } from './http-io';
import { InferenceThread } from './inference-thread';
import { parseInferenceRequest, runInvocation } from './invocation';
import { logger } from './logger';
import { SerialQueue } from './serial-queue';
import type { ModelsSummary } from './worker-protocol';

export interface InferenceServerOptions {
  /**
   * Folder holding `unet/` and `resnet/` (each a model-card.json beside its ONNX file). A promise while
   * the models are still being fetched: /ping answers 503 until it resolves and the models load.
   */
  modelDir: string | Promise<string>;
  /** Reads volumes and writes results. Default: an S3Client from the environment. */
  s3?: S3Client;
  /** onnxruntime intra-op threads. Default: loadModels' default. */
  threads?: number;
  /** Default 'auto': CUDA when present, else CPU. 'cuda' fails to load without a working CUDA provider. */
  device?: Device;
}

/** An InferenceRequest is a few hundred bytes of S3 keys. */
const MAX_BODY_BYTES = 64 * 1024;
/** Longer messages of unexpected errors are cut: they travel to the study's failure record. */
const MAX_INTERNAL_MESSAGE = 300;

type ModelState =
  { status: 'loading' } | { status: 'ready'; models: ModelsSummary } | { status: 'failed'; reason: string };

/**
 * The SageMaker container contract (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html):
 * GET /ping is 200 once the models are loaded, 503 before and for good if they failed to load (SageMaker
 * then replaces the instance); POST /invocations runs one study, one at a time. Status codes per case are
 * listed in docs/models.md. SageMaker keeps pinging while a study runs and expects an answer within 2 s
 * (same page, "How Your Container Should Respond to Health Check (Ping) Requests"), so the models live in
 * a worker thread that also does all the CPU-heavy work of an invocation (inference-thread.ts): the
 * main thread only parses requests, moves bytes to and from S3 and answers /ping.
 */
export function createInferenceServer(options: InferenceServerOptions): {
  server: Server;
  ready: Promise<void>;
} {
  const s3 = options.s3 ?? new S3Client({});
  const queue = new SerialQueue();
  let state: ModelState = { status: 'loading' };
  const inference = new InferenceThread((error) => {
    // The sessions died with the worker: unhealthy for good, so that SageMaker replaces the instance.
    state = { status: 'failed', reason: error.message };
    logger.error('inference worker stopped: the container stays unhealthy', { reason: error.message });
  });
  const loaded = Promise.resolve(options.modelDir)
    .then((dir) => inference.load(dir, { threads: options.threads, device: options.device }))
    .then(
      (models) => {
        if (state.status === 'loading') state = { status: 'ready', models };
        logger.info('models loaded', { ...models });
        return models;
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        state = { status: 'failed', reason };
        logger.error('models failed to load: the container stays unhealthy', { reason });
        throw error;
      },
    );
  // Whoever ignores `ready` must not crash the process on a load failure: /ping reports it instead.
  const ready = loaded.then(() => undefined);
  ready.catch(() => undefined);

  const ping = (response: ServerResponse): void => {
    if (state.status === 'ready') {
      respondJson(response, STATUS.ok, { status: 'ok', executionProvider: state.models.executionProvider });
    } else {
      respondError(response, unavailable(state));
    }
  };

  const invoke = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let studyId: string | undefined;
    try {
      const inferenceRequest = parseInferenceRequest(await readBody(request, MAX_BODY_BYTES));
      studyId = inferenceRequest.studyId;
      // A request that arrives while the models load waits for them (the local stack may not poll /ping).
      await loaded.catch(() => {
        throw unavailable(state);
      });
      respondJson(response, STATUS.ok, await queue.run(() => runInvocation(inferenceRequest, s3, inference)));
    } catch (error) {
      const answer = asHttpError(error);
      if (answer.status >= STATUS.internal) {
        // Powertools drops a `message` key (reserved): the reason goes under its own name.
        logger.error('invocation failed', { studyId, status: answer.status, reason: answer.message });
      } else {
        logger.warn('invocation refused', { studyId, status: answer.status, code: answer.code });
      }
      respondError(response, answer);
    }
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://container').pathname;
    const route = ROUTES[path];
    if (!route) {
      request.resume();
      return respondError(response, new HttpError(STATUS.notFound, 'NOT_FOUND', `no route ${path}`));
    }
    if (request.method !== route.method) {
      request.resume();
      response.setHeader('allow', route.method);
      return respondError(
        response,
        new HttpError(STATUS.methodNotAllowed, 'METHOD_NOT_ALLOWED', `${path} takes ${route.method}`),
      );
    }
    if (route.handler === 'ping') return ping(response);
    void invoke(request, response);
  });
  // The sessions go with the server: a closed server leaves no worker thread behind.
  server.on('close', () => void inference.close());
  return { server, ready };
}

const ROUTES: Record<string, { method: string; handler: 'ping' | 'invocations' }> = {
  '/ping': { method: 'GET', handler: 'ping' },
  '/invocations': { method: 'POST', handler: 'invocations' },
};

function unavailable(state: ModelState): HttpError {
  return state.status === 'failed'
    ? new HttpError(STATUS.unavailable, 'MODELS_NOT_LOADED', `the models failed to load: ${state.reason}`)
    : new HttpError(STATUS.unavailable, 'MODELS_LOADING', 'the models are still loading');
}

/** Unexpected errors become a short 500; the stack stays in this process (never in the response). */
function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError(
    STATUS.internal,
    'INFERENCE_FAILED',
    `inference failed (${errorName(error)}): ${message.slice(0, MAX_INTERNAL_MESSAGE)}`,
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
