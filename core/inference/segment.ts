/**
 * The U-Net over a whole volume at model spacing: sliding-window patches, batched where the model takes
 * any batch size, outputs blended with the Gaussian importance map (sums normalised by the summed
 * weights), then turned into the foreground probability (foreground-map.ts).
 */
import { Tensor } from 'onnxruntime-node';
import type { Vec3 } from '../imaging/volume';
import type { Float32Grid } from '../imaging/grid/axis-pass';
import type { UnetCard } from './model-card';
import { hasDynamicBatch } from './model-io';
import type { LoadedModel } from './models';
import { Blender, ForegroundMap } from './foreground-map';
import { patchGrid } from './sliding-window';
import type { StageClock } from './stage-clock';

export interface SegmentOptions {
  /** Patches per session.run where the model's batch axis is dynamic. Default 1. */
  batchSize?: number;
  /** Laps `unet` (session.run) and `blend` (patch copies, blending, probability). */
  clock?: StageClock;
}

/** Copies the patch at `start` of `image` into `into` at `offset` (NCDHW: i fastest, as the volume). */
function copyPatch(image: Float32Grid, start: Vec3, size: Vec3, into: Float32Array, offset: number): void {
  const [nx, ny] = image.dims;
  const [si, sj, sk] = size;
  for (let k = 0, q = offset; k < sk; k++) {
    for (let j = 0; j < sj; j++, q += si) {
      const from = start[0] + nx * (start[1] + j + ny * (start[2] + k));
      into.set(image.data.subarray(from, from + si), q);
    }
  }
}

function checkOutput(output: Tensor | undefined, name: string, expected: number[]): Float32Array {
  if (!output) throw new Error(`the U-Net returned no output "${name}"`);
  if (output.type !== 'float32' || output.dims.join() !== expected.join()) {
    throw new Error(
      `the U-Net's "${name}" is ${output.type} [${output.dims.join(', ')}], expected float32 [${expected.join(', ')}]`,
    );
  }
  return output.data as Float32Array;
}

/**
 * The foreground probability of every voxel of `image` (normalised, at model spacing, each axis at least
 * the patch size).
 */
export async function segmentProbability(
  image: Float32Grid,
  unet: LoadedModel<UnetCard>,
  options: SegmentOptions = {},
): Promise<Float32Array> {
  const probability = (await segmentForeground(image, unet, options)).all();
  options.clock?.lap('blend');
  return probability;
}

/** The blended U-Net output over `image` (as segmentProbability), its probabilities on demand. */
export async function segmentForeground(
  image: Float32Grid,
  unet: LoadedModel<UnetCard>,
  options: SegmentOptions = {},
): Promise<ForegroundMap> {
  const { card, session } = unet;
  const size = card.patch.size;
  const [si, sj, sk] = size;
  const patchVoxels = si * sj * sk;
  const patches = patchGrid(image.dims, size, card.patch.overlap);
  const blend = new Blender(image.dims, size, card.output.channels);
  const dynamic = hasDynamicBatch(session, card.input.name);
  const batch = dynamic ? Math.max(1, Math.min(options.batchSize ?? 1, patches.length)) : 1;
  const { channels, name: outputName } = card.output;
  // Input and output buffers are reused for every batch: fresh memory costs more than filling it.
  const input = new Float32Array(batch * patchVoxels);
  const output = new Float32Array(batch * channels * patchVoxels);
  for (let first = 0; first < patches.length; first += batch) {
    const group = patches.slice(first, first + batch);
    group.forEach((start, b) => copyPatch(image, start, size, input, b * patchVoxels));
    const n = group.length;
    const feeds = {
      [card.input.name]: new Tensor('float32', input.subarray(0, n * patchVoxels), [n, 1, sk, sj, si]),
    };
    const expected = [n, channels, sk, sj, si];
    const fetches = {
      [outputName]: new Tensor('float32', output.subarray(0, n * channels * patchVoxels), expected),
    };
    options.clock?.lap('blend');
    const outputs = await session.run(feeds, fetches);
    options.clock?.lap('unet');
    const values = checkOutput(outputs[outputName], outputName, expected);
    group.forEach((start, b) => blend.add(start, values, b * channels * patchVoxels));
  }
  options.clock?.lap('blend');
  return new ForegroundMap(blend, card.output, image.dims);
}
