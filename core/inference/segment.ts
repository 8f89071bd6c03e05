/**
 * The U-Net over a whole volume at model spacing: sliding-window patches, batched where the model takes
 * any batch size, outputs blended with the Gaussian importance map (sums normalised by the summed
 * weights), then turned into the foreground probability.
 */
import { Tensor } from 'onnxruntime-node';
import type { Vec3 } from '../imaging/volume';
import type { Float32Grid } from '../imaging/grid/axis-pass';
import type { UnetCard } from './model-card';
import { hasDynamicBatch } from './model-io';
import type { LoadedModel } from './models';
import { gaussianImportance, patchGrid } from './sliding-window';

export interface SegmentOptions {
  /** Patches per session.run where the model's batch axis is dynamic. Default 1. */
  batchSize?: number;
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

/** Running weighted sums of every output channel and of the weights themselves, over the volume. */
class Blender {
  readonly sums: Float32Array;
  readonly weightSum: Float32Array;
  private readonly voxels: number;
  private readonly weights: Float32Array;

  constructor(
    private readonly dims: Vec3,
    private readonly size: Vec3,
    private readonly channels: number,
  ) {
    this.voxels = dims[0] * dims[1] * dims[2];
    this.sums = new Float32Array(channels * this.voxels);
    this.weightSum = new Float32Array(this.voxels);
    this.weights = gaussianImportance(size);
  }

  /** Adds one patch's output (channels × patch, NCDHW) read from `output` at `offset`. */
  add(start: Vec3, output: Float32Array, offset: number): void {
    const [nx, ny] = this.dims;
    const [si, sj, sk] = this.size;
    const patchVoxels = si * sj * sk;
    const { sums, weightSum, weights } = this;
    for (let c = 0; c < this.channels; c++) {
      const channelBase = c * this.voxels;
      const outBase = offset + c * patchVoxels;
      for (let k = 0, w = 0; k < sk; k++) {
        for (let j = 0; j < sj; j++, w += si) {
          const o = start[0] + nx * (start[1] + j + ny * (start[2] + k));
          const s = channelBase + o;
          const q = outBase + w;
          for (let i = 0; i < si; i++) sums[s + i]! += weights[w + i]! * output[q + i]!;
          if (c === 0) for (let i = 0; i < si; i++) weightSum[o + i]! += weights[w + i]!;
        }
      }
    }
  }
}

/**
 * Turns blended outputs into the foreground probability, written over `blend.weightSum` (returned):
 * sigmoid of one logit channel, softmax of several (its foreground channel), or the blended probability.
 */
function foregroundProbability(blend: Blender, card: UnetCard): Float32Array {
  const { sums, weightSum } = blend;
  const { kind, channels, foregroundChannel } = card.output;
  const n = weightSum.length;
  const fg = foregroundChannel * n;
  for (let v = 0; v < n; v++) {
    const w = weightSum[v]!;
    let p: number;
    if (kind === 'probability') p = sums[fg + v]! / w;
    else if (channels === 1) p = 1 / (1 + Math.exp(-sums[v]! / w));
    else {
      // softmax_fg = 1 / Σ_c exp(l_c − l_fg): no overflow for large logits.
      const lf = sums[fg + v]! / w;
      let denominator = 0;
      for (let c = 0; c < channels; c++) denominator += Math.exp(sums[c * n + v]! / w - lf);
      p = 1 / denominator;
    }
    weightSum[v] = p;
  }
  return weightSum;
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
    const outputs = await session.run(feeds, fetches);
    const values = checkOutput(outputs[outputName], outputName, expected);
    group.forEach((start, b) => blend.add(start, values, b * channels * patchVoxels));
  }
  return foregroundProbability(blend, card);
}
