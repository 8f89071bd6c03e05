/**
 * The ResNet50 on the pancreas: the mask's bounding box plus a margin, cut from the HU volume on its own
 * grid, resized to the card's input size as torch's F.interpolate(mode='trilinear', align_corners=False)
 * does, windowed and normalised; out come the SAP probability and the pooled deep features.
 */
import { Tensor } from 'onnxruntime-node';
import type { Vec3, Volume } from '../imaging/volume';
import type { Float32Grid } from '../imaging/grid/axis-pass';
import { cropBox, maskBoundingBox } from '../imaging/grid/bounding-box';
import type { Box } from '../imaging/grid/types';
import { InferenceInputError } from './errors';
import { normaliseIntensity } from './intensity';
import type { ResnetCard } from './model-card';
import type { LoadedModel } from './models';
import { resampleTrilinear, resizeAxis, type Axes } from './resample';
import type { StageClock } from './stage-clock';

export interface Classification {
  probability: number;
  features: number[];
}

/**
 * The mask's bounding box grown by round(marginMm / spacing) voxels per side, clamped to the volume.
 * `maskBox`: that bounding box where the caller has it already (volumeMask does), sparing a scan of the mask.
 */
export function cropBoxAround(
  mask: Uint8Array,
  dims: Vec3,
  spacing: Vec3,
  marginMm: number,
  maskBox?: Box | null,
): Box | null {
  const box = maskBox === undefined ? maskBoundingBox(mask, dims) : maskBox;
  if (box === null) return null;
  const start = [0, 0, 0] as Vec3;
  const size = [0, 0, 0] as Vec3;
  for (const a of [0, 1, 2] as const) {
    const margin = Math.round(marginMm / spacing[a]);
    start[a] = Math.max(0, box.start[a] - margin);
    size[a] = Math.min(dims[a] - 1, box.start[a] + box.size[a] - 1 + margin) - start[a] + 1;
  }
  return { start, size };
}

/** The HU of `box` resized to `size` (i, j, k) with torch's align_corners=False trilinear rule. */
export function resizeCrop(volume: Volume, box: Box, size: Vec3): Float32Grid {
  const crop = { dims: box.size, data: cropBox(volume.data, volume.dims, box) };
  const axes = ([0, 1, 2] as const).map((a) => resizeAxis(box.size[a], size[a], volume.spacing[a])) as Axes;
  return resampleTrilinear(crop, axes);
}

function outputValues(outputs: Record<string, Tensor>, name: string): Float32Array {
  const output = outputs[name];
  if (!output) throw new Error(`the ResNet returned no output "${name}"`);
  if (output.type !== 'float32') throw new Error(`the ResNet's "${name}" is ${output.type}, not float32`);
  return output.data as Float32Array;
}

export interface ClassifyOptions {
  /** The mask's bounding box, where known (see cropBoxAround). */
  maskBox?: Box | null;
  /** Laps `cropResize` and `resnet`. */
  clock?: StageClock;
}

/** Runs the ResNet on the region of `mask` (0/1 on `volume`'s grid). */
export async function classify(
  volume: Volume,
  mask: Uint8Array,
  resnet: LoadedModel<ResnetCard>,
  options: ClassifyOptions = {},
): Promise<Classification> {
  const { card, session } = resnet;
  const { clock, maskBox } = options;
  const box = cropBoxAround(mask, volume.dims, volume.spacing, card.cropMarginMm, maskBox);
  if (box === null) {
    throw new InferenceInputError(
      'NO_PANCREAS_FOUND',
      'no pancreas found by the U-Net: the mask is empty, so there is no region for the ResNet50 to classify',
    );
  }
  const input = normaliseIntensity(resizeCrop(volume, box, card.input.size).data, card.intensity);
  const [si, sj, sk] = card.input.size;
  const { probability, features } = card.outputs;
  clock?.lap('cropResize');
  const outputs = await session.run({ [card.input.name]: new Tensor('float32', input, [1, 1, sk, sj, si]) }, [
    probability.name,
    features.name,
  ]);
  clock?.lap('resnet');
  const raw = outputValues(outputs, probability.name);
  if (raw.length !== 1)
    throw new Error(`the ResNet's "${probability.name}" holds ${raw.length} values, not 1`);
  const pooled = outputValues(outputs, features.name);
  if (pooled.length !== features.length) {
    throw new Error(
      `the ResNet's "${features.name}" holds ${pooled.length} values, its card says ${features.length}`,
    );
  }
  const value = raw[0]!;
  return {
    probability: probability.kind === 'logit' ? 1 / (1 + Math.exp(-value)) : value,
    features: Array.from(pooled),
  };
}
