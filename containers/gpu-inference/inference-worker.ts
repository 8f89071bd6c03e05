/**
 * The inference worker thread: holds the onnxruntime sessions for the life of the container and does all
 * the CPU-heavy work of an invocation (gunzip and decode of the volume, pre- and post-processing, both
 * networks, gzip of the mask), so that the main thread's event loop stays free to answer /ping. Started
 * by inference-thread.ts; one command at a time arrives (the server queues invocations).
 */
import { parentPort } from 'node:worker_threads';
import { InferenceInputError } from '../../core/inference/errors';
import { loadModels, type LoadedModels } from '../../core/inference/models';
import { HttpError, STATUS } from './http-error';
import { inferStudy } from './infer-study';
import {
  serializeError,
  transferable,
  type InferCommand,
  type Inferred,
  type LoadCommand,
  type WorkerCommand,
  type WorkerReply,
} from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('inference-worker.ts runs as a worker thread (see inference-thread.ts)');

let models: LoadedModels | undefined;

async function load(command: LoadCommand): Promise<WorkerReply> {
  try {
    models = await loadModels(command.modelDir, { threads: command.threads, device: command.device });
    const name = (card: { name: string; version: string }) => `${card.name}@${card.version}`;
    return {
      type: 'loaded',
      summary: {
        executionProvider: models.executionProvider,
        unet: name(models.unet.card),
        resnet: name(models.resnet.card),
      },
    };
  } catch (error) {
    return { type: 'load-failed', error: serializeError(error) };
  }
}

async function infer(command: InferCommand): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  try {
    const loaded = models;
    if (!loaded) throw new Error('no models loaded in the inference worker');
    const { maskGz, result, stagesMs } = await inferOrReject(() =>
      inferStudy(command.volumeBytes, command.volumeKey, loaded),
    );
    const reply: Inferred = {
      maskGz,
      result: { ...result, tier: 'gpu' },
      decodeMs: stagesMs.decode ?? 0,
      encodeMs: stagesMs.maskEncode ?? 0,
      stagesMs,
    };
    // The mask's buffer is handed over, not copied (a transfer list: worker-protocol.ts).
    return { reply: { type: 'inferred', id: command.id, inferred: reply }, transfer: transferable(maskGz) };
  } catch (error) {
    return { reply: { type: 'infer-failed', id: command.id, error: serializeError(error) }, transfer: [] };
  }
}

/** InferenceInputError (a volume these models cannot use) is the study's fault: 422 with its code. */
async function inferOrReject<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InferenceInputError) {
      throw new HttpError(STATUS.unprocessable, error.code, error.message);
    }
    throw error;
  }
}

port.on('message', (command: WorkerCommand) => {
  if (command.type === 'load') {
    void load(command).then((reply) => port.postMessage(reply));
  } else {
    void infer(command).then(({ reply, transfer }) => port.postMessage(reply, transfer));
  }
});
