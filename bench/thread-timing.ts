/**
 * Timing the same work at 1 and 2 onnxruntime intra-op threads on a machine others may be using: the
 * thread counts take turns, and each one's fastest run is kept, with the cores it had during that run.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { createSession } from '../core/inference/execution-provider';

export const THREADS = [1, 2] as const;
export type Threads = (typeof THREADS)[number];
export type PerThreads<T> = Record<Threads, T>;

export interface ThreadTiming {
  ms: number;
  /** Process CPU time over wall time of that run: about the thread count when nothing else ran. */
  cores: number;
}

export const threadLabel = (threads: number) => `${threads} thread${threads === 1 ? '' : 's'}`;

/** A CPU session as the inference code makes it (core/inference/execution-provider), at `threads`. */
export async function cpuSession(bytes: Uint8Array, threads: number): Promise<InferenceSession> {
  return (await createSession(bytes, ['cpu'], { threads })).session;
}

/**
 * Fastest run of each thread count's `fn` over `repeats` turns, after one warm-up each. Taking turns
 * spreads a burst of another process's work over both thread counts alike; the fastest run is the
 * least disturbed.
 */
export async function interleavedBest(
  fns: PerThreads<() => Promise<unknown>>,
  repeats: number,
): Promise<PerThreads<ThreadTiming>> {
  for (const threads of THREADS) await fns[threads]();
  const best: PerThreads<ThreadTiming> = { 1: { ms: Infinity, cores: 0 }, 2: { ms: Infinity, cores: 0 } };
  for (let n = 0; n < repeats; n++) {
    for (const threads of THREADS) {
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      await fns[threads]();
      const ms = performance.now() - start;
      const cpu = process.cpuUsage(cpuBefore);
      if (ms < best[threads].ms) best[threads] = { ms, cores: (cpu.user + cpu.system) / 1000 / ms };
    }
  }
  return best;
}
