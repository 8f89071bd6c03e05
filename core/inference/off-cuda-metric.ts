import { z } from 'zod';
import { INFERENCE_OFF_CUDA_METRIC } from '../pipeline/metric-names';
import type { MetricPoint } from '../pipeline/transition-metrics';
import type { ExecutionProvider } from './execution-provider';
import { inferenceResultSchema } from './result';

/** Providers that run the networks on the GPU: TensorRT's engines run on CUDA too. */
const ON_CUDA: ReadonlySet<ExecutionProvider> = new Set(['cuda', 'tensorrt']);

/** Only the provider: the rest of an inference.json does not decide whether it ran on the GPU. */
const withProvider = z.object({ executionProvider: inferenceResultSchema.shape.executionProvider });

/** Only the tier: the CPU tier runs on the CPU by design, which is no lost GPU. */
const withTier = z.object({ tier: inferenceResultSchema.shape.tier });

/** Whether inference.json says the CPU tier (a Lambda function, no GPU) ran it. */
export function ranOnCpuTier(inference: unknown): boolean {
  return withTier.safeParse(inference).data?.tier === 'cpu';
}

/** inference.json's `executionProvider`, or undefined where it names none this code knows. */
export function executionProviderOf(inference: unknown): ExecutionProvider | undefined {
  return withProvider.safeParse(inference).data?.executionProvider;
}

/**
 * One InferenceOffCuda count for a run whose inference did not run on the GPU (dimension
 * `executionProvider`: `cpu`, or `unknown` when inference.json does not say): the GPU was paid for but
 * unused, which the stack alarms on. Nothing for an inference on CUDA.
 */
export function offCudaPoints(provider: ExecutionProvider | undefined): MetricPoint[] {
  if (provider !== undefined && ON_CUDA.has(provider)) return [];
  return [
    {
      name: INFERENCE_OFF_CUDA_METRIC,
      unit: 'Count',
      value: 1,
      dimensions: { executionProvider: provider ?? 'unknown' },
    },
  ];
}
