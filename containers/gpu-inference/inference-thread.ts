import { Worker } from 'node:worker_threads';
import type { Device } from '../../core/inference/execution-provider';
import {
  deserializeError,
  transferable,
  type Inferred,
  type ModelsSummary,
  type WorkerCommand,
  type WorkerReply,
} from './worker-protocol';

/**
 * The worker runs TypeScript like the main thread. On Node 20 a worker ignores `--import tsx` in its
 * execArgv for its own entry file (ERR_UNKNOWN_FILE_EXTENSION), so a one-line bootstrap registers tsx's
 * loader in the worker first, then imports the entry; this works on Node 20 and 22, under tsx (the
 * container's `node --import tsx`) and under vitest. Compiled (the `sap` CLI's dist/, where
 * scripts/build-cli.mjs keeps this module in its folder's output), the worker's compiled module is beside
 * it and runs as it is.
 */
function startWorker(): Worker {
  if (import.meta.url.endsWith('.js'))
    return new Worker(new URL('./inference-worker.js', import.meta.url), { execArgv: [] });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./inference-worker.ts', import.meta.url).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  // Nothing of the main thread's own preloads (`--import`) is run again in the worker: tsx is all it needs.
  return new Worker(bootstrap, { eval: true, execArgv: [] });
}

/**
 * The main thread's handle on the inference worker: load the models once, then one inference at a time.
 * If the worker dies, every pending and later call fails, and `onExit` says why (the server then stays
 * unhealthy: the sessions are gone with the worker).
 */
export class InferenceThread {
  private readonly worker = startWorker();
  private readonly pending = new Map<number, { resolve(i: Inferred): void; reject(e: Error): void }>();
  private loading: { resolve(s: ModelsSummary): void; reject(e: Error): void } | undefined;
  private nextId = 1;
  private stopped: Error | undefined;
  private closing = false;

  constructor(onExit: (reason: Error) => void) {
    // The HTTP server keeps the process alive; the worker alone must not.
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.receive(reply));
    this.worker.on('error', (error) => this.stop(new Error(`the inference worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      this.stop(new Error(`the inference worker stopped (exit code ${code})`));
      if (!this.closing) onExit(this.stopped!);
    });
  }

  load(modelDir: string, settings: { threads?: number; device?: Device }): Promise<ModelsSummary> {
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(this.stopped);
      this.loading = { resolve, reject };
      this.send({ type: 'load', modelDir, ...settings });
    });
  }

  /** Decodes, segments, classifies and encodes off the main thread. `volumeBytes` may be handed over. */
  infer(volumeKey: string, volumeBytes: Uint8Array): Promise<Inferred> {
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(this.stopped);
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'infer', id, volumeKey, volumeBytes }, transferable(volumeBytes));
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private send(command: WorkerCommand, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(command, transfer);
  }

  private receive(reply: WorkerReply): void {
    if (reply.type === 'loaded') {
      this.loading?.resolve(reply.summary);
      this.loading = undefined;
    } else if (reply.type === 'load-failed') {
      this.loading?.reject(deserializeError(reply.error));
      this.loading = undefined;
    } else {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'inferred') waiting?.resolve(reply.inferred);
      else waiting?.reject(deserializeError(reply.error));
    }
  }

  private stop(reason: Error): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.loading?.reject(reason);
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }
}
