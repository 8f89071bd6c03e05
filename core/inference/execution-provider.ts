/**
 * Which onnxruntime execution provider runs the networks. The npm package holds the CPU library only; a
 * GPU image adds the CUDA (and TensorRT) provider libraries beside it at build time.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { InferenceSession } from 'onnxruntime-node';

export type ExecutionProvider = 'cuda' | 'tensorrt' | 'cpu';
export type Device = 'auto' | 'cpu' | 'cuda';

export interface SessionSettings {
  /** intra-op threads; default: onnxruntime's (all cores). */
  threads?: number;
}

/** What each provider falls back to for the nodes it cannot run. */
const CHAIN: Record<ExecutionProvider, ExecutionProvider[]> = {
  tensorrt: ['tensorrt', 'cuda', 'cpu'],
  cuda: ['cuda', 'cpu'],
  cpu: ['cpu'],
};

/**
 * Where onnxruntime-node looks for provider libraries (beside its binding; its install script puts the
 * CUDA ones there), or null where that layout is not known (not Linux): then loading is simply tried.
 */
function cudaLibraryPath(): string | null {
  if (process.platform !== 'linux') return null;
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  const binDir = path.join(path.dirname(entry), '..', 'bin', 'napi-v6', 'linux', process.arch);
  return path.join(binDir, 'libonnxruntime_providers_cuda.so');
}

/**
 * Providers to try, best first, for a device choice. Checking for the CUDA library first spares a
 * CPU-only start onnxruntime's error log, and gives device 'cuda' a clear reason to fail.
 */
export function providerCandidates(device: Device, tensorrt: boolean): ExecutionProvider[] {
  if (device === 'cpu') return ['cpu'];
  const gpu: ExecutionProvider[] = tensorrt ? ['tensorrt', 'cuda'] : ['cuda'];
  const library = cudaLibraryPath();
  const present = library === null || existsSync(library);
  if (device === 'cuda' && !present) {
    throw new Error(
      `device 'cuda': onnxruntime-node has no CUDA provider here (${library} is missing); ` +
        'install it with the GPU libraries, or use device auto or cpu',
    );
  }
  return device === 'cuda' ? gpu : present ? [...gpu, 'cpu'] : ['cpu'];
}

export function sessionOptions(
  provider: ExecutionProvider,
  settings: SessionSettings,
): InferenceSession.SessionOptions {
  return {
    executionProviders: CHAIN[provider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    ...(settings.threads !== undefined ? { intraOpNumThreads: settings.threads, interOpNumThreads: 1 } : {}),
  };
}

/**
 * Creates a session with the first provider of `candidates` that loads. Returns the provider used, or
 * throws the last provider's error (for the CPU provider: the model itself cannot be loaded).
 */
export async function createSession(
  model: Uint8Array,
  candidates: ExecutionProvider[],
  settings: SessionSettings,
): Promise<{ session: InferenceSession; provider: ExecutionProvider }> {
  let lastError: unknown = new Error('no execution provider to try');
  for (const provider of candidates) {
    try {
      return { session: await InferenceSession.create(model, sessionOptions(provider, settings)), provider };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
