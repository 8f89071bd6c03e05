/**
 * One study through both networks (issue #5): the canonical HU volume resampled to the U-Net's spacing
 * and normalised, segmented by sliding window, the probability map brought back to the volume's grid as
 * a mask (largest component), and the ResNet50 run on the mask's region. Bad input throws
 * InferenceInputError (4xx class); model and runtime failures throw ordinary errors (5xx class).
 */
import { voxelCount, type Vec3, type Volume } from '../imaging/volume';
import { centreAlignedGrid } from '../imaging/grid/grid';
import type { Box } from '../imaging/grid/types';
import { classify } from './classify';
import { InferenceInputError } from './errors';
import { normaliseIntensity } from './intensity';
import type { LoadedModels } from './models';
import { resampleTrilinear, type Axes } from './resample';
import { inferenceResultSchema, type InferenceResult } from './result';
import { segmentForeground, type SegmentOptions } from './segment';
import { StageClock, type StageTimings } from './stage-clock';
import { volumeMask } from './volume-mask';

export { InferenceInputError } from './errors';

/** Every result of a synthetic demo model carries this notice. */
export const SYNTHETIC_NOTICE = 'Synthetic demo models: not for clinical use';

export type InferenceOptions = SegmentOptions;

export interface Inference {
  /** 0/1 on the volume's grid. */
  mask: Uint8Array;
  /** The mask's bounding box; null when it is empty. */
  maskBox: Box | null;
  result: InferenceResult;
  /**
   * Wall time of each finer stage (StageClock): the caller's own laps (decode) and this run's. With a
   * clock in the options, that clock's timings.
   */
  stagesMs: StageTimings;
}

/**
 * U-Net patches per run on a GPU (where the model's batch axis is dynamic): fewer, larger launches keep
 * it busy. On the CPU one patch already uses every thread, so the default there is 1.
 */
export const GPU_BATCH_SIZE = 4;

function checkFitsPatch(dims: Vec3, patch: Vec3, spacing: Vec3, volume: Volume): void {
  if (dims.every((n, a) => n >= patch[a]!)) return;
  throw new InferenceInputError(
    'VOLUME_TOO_SMALL',
    `the volume is ${dims.join('×')} voxels at the U-Net's spacing of ${spacing.join('×')} mm ` +
      `(${volume.dims.join('×')} at ${volume.spacing.map((s) => Number(s.toFixed(3))).join('×')} mm), ` +
      `smaller than its ${patch.join('×')} patch (i×j×k): it cannot hold an abdomen`,
  );
}

/** Timings to 0.1 ms: finer is noise, and inference.json stays readable. */
function roundTimings(timings: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(timings).map(([stage, ms]) => [stage, Math.round(ms * 10) / 10]));
}

/** The mask (0/1 on the volume's grid) and inference.json of one canonical HU volume. */
export async function runInference(
  volume: Volume,
  models: LoadedModels,
  options: InferenceOptions = {},
): Promise<Inference> {
  const { unet, resnet } = models;
  if (volume.data.length !== voxelCount(volume.dims)) {
    throw new RangeError(
      `the volume holds ${volume.data.length} voxels, its dims ${volume.dims.join('×')} say otherwise`,
    );
  }
  const clock = options.clock ?? new StageClock();
  clock.restart();
  const started = performance.now();
  const axes: Axes = centreAlignedGrid(volume.dims, volume.spacing, unet.card.spacingMm);
  const modelDims = axes.map((a) => a.count) as Vec3;
  checkFitsPatch(modelDims, unet.card.patch.size, unet.card.spacingMm, volume);
  const image = resampleTrilinear(volume, axes);
  clock.lap('resample');
  normaliseIntensity(image.data, unet.card.intensity);
  clock.lap('intensity');
  const preprocessed = performance.now();

  const batchSize = options.batchSize ?? (models.executionProvider === 'cpu' ? 1 : GPU_BATCH_SIZE);
  const foreground = await segmentForeground(image, unet, { batchSize, clock });
  const segmented = performance.now();

  const threshold = unet.card.output.threshold;
  const { mask, voxels, box } = volumeMask(foreground, modelDims, axes, volume, threshold, clock);
  const postprocessed = performance.now();

  const { probability: sapProbability, features } = await classify(volume, mask, resnet, {
    maskBox: box,
    clock,
  });
  const classified = performance.now();

  const voxelMl = (volume.spacing[0] * volume.spacing[1] * volume.spacing[2]) / 1000;
  const syntheticModels = (['unet', 'resnet'] as const).filter((kind) => models[kind].card.synthetic);
  const synthetic = syntheticModels.length > 0;
  const modelRef = ({ name, version, sha256 }: { name: string; version: string; sha256: string }) => ({
    name,
    version,
    sha256,
  });
  const result: InferenceResult = {
    schemaVersion: 1,
    probability: sapProbability,
    features,
    maskVoxels: voxels,
    maskVolumeMl: voxels * voxelMl,
    models: { unet: modelRef(unet.card), resnet: modelRef(resnet.card) },
    synthetic,
    ...(synthetic ? { syntheticModels, notice: SYNTHETIC_NOTICE } : {}),
    executionProvider: models.executionProvider,
    timingsMs: roundTimings({
      preprocess: preprocessed - started,
      segment: segmented - preprocessed,
      postprocess: postprocessed - segmented,
      classify: classified - postprocessed,
      total: classified - started,
    }),
  };
  // A NaN or out-of-range value from a network is a model fault: caught here, not in a later step.
  return { mask, maskBox: box, result: inferenceResultSchema.parse(result), stagesMs: clock.ms };
}
