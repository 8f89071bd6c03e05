import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { checkCpuTierMemory, checkCpuTierTime } from '../../core/inference/cpu-tier-limits';
import { runInference } from '../../core/inference/pipeline';
import type { InferenceResult } from '../../core/inference/result';
import { StageClock } from '../../core/inference/stage-clock';
import { encodeMaskNiftiGz } from '../../core/inference/volume-mask';
import type { StudyRun } from '../../core/pipeline/run';
import { CPU_INFERENCE } from '../../core/pipeline/steps';
import { workKeys } from '../../core/study/keys';
import { s3 } from '../shared/aws-clients';
import { enterStage } from '../shared/enter-stage';
import { logger } from '../shared/logger';
import { getBytes, putJson } from '../shared/s3-objects';
import { MEMORY_SIZE_VARIABLE } from '../shared/volume-memory-check';
import { perInvocation } from '../shared/per-invocation';
import { canonicalVolumeShape, decodeCanonicalVolume } from './canonical-volume';
import { cpuModels } from './model-cache';

export const handler = perInvocation(inferOnCpu);

/**
 * Infer on the CPU tier: the run's volume through the U-Net and ResNet50 in this function, on
 * onnxruntime's CPU build, with the same core/inference code and models as the GPU container; the mask
 * and inference.json go to the same keys, and the run goes on with the same artifacts as the GPU tier's
 * callback hands on. A study too large for the function's memory or for the time the invocation has
 * left fails before either network runs, with CPU_TIER_MEMORY_LIMIT or CPU_TIER_TIME_LIMIT; a volume the
 * models cannot use fails with its own code (VOLUME_TOO_SMALL, NO_PANCREAS_FOUND: InferenceInputError).
 */
async function inferOnCpu(run: StudyRun, context?: Context): Promise<StudyRun> {
  const started = Date.now();
  await enterStage('Infer', run);
  const keys = workKeys(run);
  const bytes = await getBytes(run.bucket, keys.volume);
  const shape = canonicalVolumeShape(bytes, run.bucket, keys.volume);
  const { models, fileBytes, speed } = await cpuModels();
  const memoryMb = Number(process.env[MEMORY_SIZE_VARIABLE] ?? CPU_INFERENCE.memoryMb);
  checkCpuTierMemory(shape, models.unet.card, fileBytes, memoryMb);
  // Outside Lambda (the local stack, a direct call) there is no context: the definition's timeout counts.
  const remainingMs =
    context?.getRemainingTimeInMillis() ?? CPU_INFERENCE.timeoutSeconds * 1000 - (Date.now() - started);
  checkCpuTierTime(shape, models.unet.card, speed, {
    remainingSeconds: remainingMs / 1000,
    timeoutSeconds: CPU_INFERENCE.timeoutSeconds,
  });

  const clock = new StageClock();
  const volume = decodeCanonicalVolume(bytes, run.bucket, keys.volume);
  clock.lap('decode');
  const { mask, maskBox, result } = await runInference(volume, models, { clock });
  const maskGz = encodeMaskNiftiGz(volume, mask, maskBox);
  clock.lap('maskEncode');
  const recorded: InferenceResult = { ...result, tier: 'cpu' };
  await s3.send(
    new PutObjectCommand({
      Bucket: run.bucket,
      Key: keys.mask,
      Body: maskGz,
      ContentType: 'application/gzip',
    }),
  );
  await putJson(run.bucket, keys.inference, recorded);
  logger.info('inference written', {
    tier: 'cpu',
    dims: shape.dims,
    totalMs: Date.now() - started,
    stagesMs: result.timingsMs,
    stageDetailMs: Object.fromEntries(Object.entries(clock.ms).map(([stage, ms]) => [stage, Math.round(ms)])),
  });
  return { ...run, artifacts: { ...run.artifacts, mask: keys.mask, inference: keys.inference } };
}
