import { executionProviderOf, offCudaPoints, ranOnCpuTier } from '../../core/inference/off-cuda-metric';
import { logger } from '../shared/logger';
import { publishPoints } from '../shared/metrics';

/**
 * Counts a run whose inference.json says it did not run on CUDA (InferenceOffCuda, alarmed on by the
 * stack). Called once per run that ran inference: a rescore re-reads an earlier run's inference.json and
 * must not count it again. The CPU tier's inference has no GPU to miss and is not counted.
 */
export function reportInferenceProvider(inference: unknown): void {
  if (ranOnCpuTier(inference)) return;
  const provider = executionProviderOf(inference);
  const points = offCudaPoints(provider);
  if (points.length > 0) logger.warn('inference did not run on CUDA', { executionProvider: provider });
  publishPoints(points);
}
