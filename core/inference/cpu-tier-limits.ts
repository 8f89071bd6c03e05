/**
 * What the CPU tier's Infer function (lambdas/infer-cpu/) checks before it runs a study: whether its peak
 * memory fits the function and whether both networks finish within the time the invocation has left. A
 * study that does not fit fails at once with a code that names the limit, instead of Lambda killing the
 * invocation later (Runtime.OutOfMemory, Sandbox.Timedout), which says nothing of why and is retried.
 */
import { centreAlignedGrid } from '../imaging/grid/grid';
import type { Vec3 } from '../imaging/volume';
import { StepError } from '../pipeline/step-error';
import type { UnetCard } from './model-card';
import { patchGrid } from './sliding-window';

/** A failure code: the study needs more memory than the CPU tier's function has. */
export const CPU_TIER_MEMORY_LIMIT = 'CPU_TIER_MEMORY_LIMIT';
/** A failure code: the study would take longer than the CPU tier's function may run. */
export const CPU_TIER_TIME_LIMIT = 'CPU_TIER_TIME_LIMIT';

const MIB = 1024 * 1024;

/**
 * The peak memory model, by where it grows (core/inference/pipeline.ts):
 * - on the volume's grid, 8 bytes a voxel: the compressed volume (about 1 for CT noise), the int16 volume
 *   (2), gunzip's output held twice while it is copied (2), the uint8 mask (1) and its NIfTI encoding and
 *   gzip (about 2);
 * - on the U-Net's grid, 20 bytes a voxel: the resampled float32 image (4), the blender's weighted sum and
 *   weight (8) and the float32 probability (4), with 4 to spare for the largest-component labels;
 * - per patch voxel, 256 bytes: the network's activations, a few dozen float32 feature maps of the patch
 *   alive at once in a 3D U-Net's first level (onnxruntime's arena keeps them between runs);
 * - the models' files three times (the bytes read and checked, the session's weights, its packed copies);
 * - 400 MiB for Node, the SDK and onnxruntime itself.
 * It errs high: a study it refuses could sometimes have run, one it accepts does not run out of memory.
 */
export const CPU_TIER_MEMORY_MODEL = {
  volumeBytesPerVoxel: 8,
  modelGridBytesPerVoxel: 20,
  patchBytesPerVoxel: 256,
  modelFileCopies: 3,
  baseMiB: 400,
} as const;

/**
 * Seconds kept back from the function's timeout: writing the mask and inference.json, the ResNet's crop
 * and the resampling, which the estimate does not time, and the spread of the patches' run time.
 */
export const CPU_TIER_TIME_MARGIN = { fraction: 0.1, estimateFactor: 1.25 } as const;

export interface StudyShape {
  /** The canonical volume's dimensions and voxel size (mm), from its header. */
  dims: Vec3;
  spacing: Vec3;
}

/** The U-Net's grid for this volume and the number of sliding-window patches on it. */
export function unetWorkload(study: StudyShape, card: Pick<UnetCard, 'spacingMm' | 'patch'>) {
  const axes = centreAlignedGrid(study.dims, study.spacing, card.spacingMm);
  const modelDims = axes.map((a) => a.count) as Vec3;
  // A grid smaller than one patch is refused later (VOLUME_TOO_SMALL); here it counts as one patch.
  const covered = modelDims.map((n, a) => Math.max(n, card.patch.size[a]!)) as Vec3;
  const patches = patchGrid(covered, card.patch.size, card.patch.overlap).length;
  return { modelDims, patches };
}

const product = (v: readonly number[]) => v.reduce((a, b) => a * b, 1);

/** Estimated peak memory (MiB) of one study through both networks (CPU_TIER_MEMORY_MODEL). */
export function cpuInferencePeakMiB(
  study: StudyShape,
  card: Pick<UnetCard, 'spacingMm' | 'patch'>,
  modelFileBytes: number,
): number {
  const m = CPU_TIER_MEMORY_MODEL;
  const { modelDims } = unetWorkload(study, card);
  const bytes =
    product(study.dims) * m.volumeBytesPerVoxel +
    product(modelDims) * m.modelGridBytesPerVoxel +
    product(card.patch.size) * m.patchBytesPerVoxel +
    modelFileBytes * m.modelFileCopies;
  return m.baseMiB + bytes / MIB;
}

/** Refuses, with CPU_TIER_MEMORY_LIMIT, a study whose estimated peak exceeds `memoryMb`. */
export function checkCpuTierMemory(
  study: StudyShape,
  card: Pick<UnetCard, 'spacingMm' | 'patch'>,
  modelFileBytes: number,
  memoryMb: number,
): void {
  const neededMb = Math.ceil(cpuInferencePeakMiB(study, card, modelFileBytes));
  if (neededMb <= memoryMb) return;
  throw new StepError(
    CPU_TIER_MEMORY_LIMIT,
    `the volume is ${describe(study)}: CPU inference needs an estimated ${neededMb} MB and the function has ` +
      `${memoryMb} MB (Lambda's most is 10,240 MB); deploy the GPU tier (cdk deploy -c inference=gpu) for studies this large`,
  );
}

/** The CPU tier's speed on this container: one U-Net patch and one ResNet run, timed at model load. */
export interface CpuSpeed {
  secondsPerPatch: number;
  resnetSeconds: number;
}

/** Estimated seconds of both networks on this study: every patch and the ResNet, with a factor for spread. */
export function cpuInferenceSeconds(
  study: StudyShape,
  card: Pick<UnetCard, 'spacingMm' | 'patch'>,
  speed: CpuSpeed,
): number {
  const { patches } = unetWorkload(study, card);
  return (patches * speed.secondsPerPatch + speed.resnetSeconds) * CPU_TIER_TIME_MARGIN.estimateFactor;
}

/**
 * Refuses, with CPU_TIER_TIME_LIMIT, a study whose estimated run time exceeds what is left of the
 * invocation less the margin (a tenth of the function's timeout).
 */
export function checkCpuTierTime(
  study: StudyShape,
  card: Pick<UnetCard, 'spacingMm' | 'patch'>,
  speed: CpuSpeed,
  time: { remainingSeconds: number; timeoutSeconds: number },
): void {
  const needed = cpuInferenceSeconds(study, card, speed);
  const margin = time.timeoutSeconds * CPU_TIER_TIME_MARGIN.fraction;
  if (needed <= time.remainingSeconds - margin) return;
  const { patches } = unetWorkload(study, card);
  throw new StepError(
    CPU_TIER_TIME_LIMIT,
    `the volume is ${describe(study)}: ${patches} U-Net patches at ${speed.secondsPerPatch.toFixed(2)} s each ` +
      `need an estimated ${Math.ceil(needed)} s, and this invocation has ${Math.floor(time.remainingSeconds)} s ` +
      `left of the function's ${time.timeoutSeconds} s limit (Lambda's most is 900 s), ${Math.ceil(margin)} s of ` +
      `them kept for writing the results; deploy the GPU tier (cdk deploy -c inference=gpu) for studies this large`,
  );
}

function describe({ dims, spacing }: StudyShape): string {
  const voxels = product(dims).toLocaleString('en-US');
  return `${dims.join('×')} (${voxels} voxels) at ${spacing.map((s) => Number(s.toFixed(3))).join('×')} mm`;
}
