/**
 * Messages between the HTTP server (main thread) and the inference worker. Only plain data crosses:
 * errors travel as their HTTP status and code, or as name and message, and are rebuilt on the other side.
 */
import type { Device, ExecutionProvider } from '../../core/inference/execution-provider';
import type { InferenceResult } from '../../core/inference/result';
import type { StageTimings } from '../../core/inference/stage-clock';
import { HttpError } from './http-error';

export interface LoadCommand {
  type: 'load';
  modelDir: string;
  threads?: number;
  device?: Device;
}

export interface InferCommand {
  type: 'infer';
  id: number;
  /** For messages only: the S3 key the bytes came from. */
  volumeKey: string;
  /** `volume.nii.gz` as read from S3. */
  volumeBytes: Uint8Array;
}

export type WorkerCommand = LoadCommand | InferCommand;

/** What /ping and the start-up log say about the loaded models. */
export interface ModelsSummary {
  executionProvider: ExecutionProvider;
  unet: string;
  resnet: string;
}

export interface Inferred {
  /** `mask.nii.gz`: uint8 on the volume's grid, gzip. */
  maskGz: Uint8Array;
  result: InferenceResult;
  /** Milliseconds spent decoding the volume and encoding the mask (the rest is in result.timingsMs). */
  decodeMs: number;
  encodeMs: number;
  /** Every stage's wall time (core/inference/stage-clock.ts): the CPU stages and the networks apart. */
  stagesMs: StageTimings;
}

export type SerializedError =
  | { kind: 'http'; status: number; code: string; message: string }
  | { kind: 'error'; name: string; message: string };

export type WorkerReply =
  | { type: 'loaded'; summary: ModelsSummary }
  | { type: 'load-failed'; error: SerializedError }
  | { type: 'inferred'; id: number; inferred: Inferred }
  | { type: 'infer-failed'; id: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof HttpError) {
    return { kind: 'http', status: error.status, code: error.code, message: error.message };
  }
  if (error instanceof Error) return { kind: 'error', name: error.name, message: error.message };
  return { kind: 'error', name: typeof error, message: String(error) };
}

/** The error as the server's error handling knows it: an HttpError, or an Error of the same name. */
export function deserializeError(error: SerializedError): Error {
  if (error.kind === 'http') return new HttpError(error.status, error.code, error.message);
  return Object.assign(new Error(error.message), { name: error.name });
}

/**
 * The buffers to hand over rather than copy: only a view that spans its whole ArrayBuffer, since a
 * transfer detaches the buffer, and a small Buffer may share Node's pool with other data.
 */
export function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
