/**
 * The U-Net's blended output over the model grid (sliding-window sums and summed Gaussian weights) and
 * the foreground probability it gives: sigmoid of one logit channel, softmax of several (its foreground
 * channel), or the blended probability itself. The probability is computed where it is asked for: the
 * pipeline needs it only around the voxels above the threshold, and a sigmoid of every voxel of a CT at
 * 2.5 mm (3.7 M) costs ~35 ms. Every value is the same float32 however it is asked for.
 */
import { VoxelExtent } from '../imaging/grid/bounding-box';
import type { Box } from '../imaging/grid/types';
import type { Vec3 } from '../imaging/volume';
import type { UnetCard } from './model-card';
import { gaussianImportance } from './sliding-window';

/** Running weighted sums of every output channel and of the weights themselves, over the volume. */
export class Blender {
  readonly sums: Float32Array;
  readonly weightSum: Float32Array;
  private readonly voxels: number;
  private readonly weights: Float32Array;

  constructor(
    private readonly dims: Vec3,
    private readonly size: Vec3,
    readonly channels: number,
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
    const { sums, weightSum, weights, channels, voxels } = this;
    for (let k = 0, w = 0; k < sk; k++) {
      for (let j = 0; j < sj; j++, w += si) {
        const o = start[0] + nx * (start[1] + j + ny * (start[2] + k));
        // Channel 0 and the weights in one sweep of the row; further channels after.
        for (let i = 0, q = offset + w; i < si; i++, q++) {
          const weight = weights[w + i]!;
          sums[o + i]! += weight * output[q]!;
          weightSum[o + i]! += weight;
        }
        for (let c = 1; c < channels; c++) {
          const s = c * voxels + o;
          const q = offset + c * patchVoxels + w;
          for (let i = 0; i < si; i++) sums[s + i]! += weights[w + i]! * output[q + i]!;
        }
      }
    }
  }
}

/** Below logit(level) by this much, a sigmoid is surely at or below the level: no need to compute it. */
const LOGIT_MARGIN = 1e-3;

/** The foreground probability of every voxel of the model grid, computed on demand from a Blender. */
export class ForegroundMap {
  private consumed = false;
  private readonly one = new Float32Array(1);

  constructor(
    private readonly blend: Blender,
    private readonly output: UnetCard['output'],
    readonly dims: Vec3,
  ) {}

  /** Probabilities of voxels from … to − 1 into `into` from `at` on. */
  private fill(into: Float32Array, at: number, from: number, to: number): void {
    if (this.consumed) throw new Error('ForegroundMap: all() has used up the blended sums');
    const { sums, weightSum } = this.blend;
    const { kind, channels, foregroundChannel } = this.output;
    const n = weightSum.length;
    const fg = foregroundChannel * n;
    const shift = at - from;
    // One loop per kind: no per-voxel branch on what the card says.
    if (kind === 'probability') {
      for (let v = from; v < to; v++) into[v + shift] = sums[fg + v]! / weightSum[v]!;
    } else if (channels === 1) {
      for (let v = from; v < to; v++) into[v + shift] = 1 / (1 + Math.exp(-sums[v]! / weightSum[v]!));
    } else {
      for (let v = from; v < to; v++) {
        const w = weightSum[v]!;
        // softmax_fg = 1 / Σ_c exp(l_c − l_fg): no overflow for large logits.
        const lf = sums[fg + v]! / w;
        let denominator = 0;
        for (let c = 0; c < channels; c++) denominator += Math.exp(sums[c * n + v]! / w - lf);
        into[v + shift] = 1 / denominator;
      }
    }
  }

  /** Every voxel's probability, written over the blender's weight sums: the map is used up. */
  all(): Float32Array {
    const { weightSum } = this.blend;
    this.fill(weightSum, 0, 0, weightSum.length);
    this.consumed = true;
    return weightSum;
  }

  /** A grid-sized array holding the probabilities inside `box`, 0 elsewhere. */
  inBox(box: Box): Float32Array {
    const [nx, ny] = this.dims;
    const out = new Float32Array(this.blend.weightSum.length);
    const [si, sj, sk] = box.size;
    for (let k = box.start[2]; k < box.start[2] + sk; k++) {
      for (let j = box.start[1]; j < box.start[1] + sj; j++) {
        const row = box.start[0] + nx * (j + ny * k);
        this.fill(out, row, row, row + si);
      }
    }
    return out;
  }

  /** The bounding box of the voxels whose probability is above `level`; null when there are none. */
  boxAbove(level: number): Box | null {
    const [nx, ny, nz] = this.dims;
    const { sums, weightSum } = this.blend;
    const { one } = this;
    const sigmoid = this.output.kind === 'logits' && this.output.channels === 1;
    // A logit below `cut` is surely at or below the level: its sigmoid is not computed.
    const cut = sigmoid && level > 0 && level < 1 ? Math.log(level / (1 - level)) - LOGIT_MARGIN : -Infinity;
    const extent = new VoxelExtent();
    for (let k = 0, v = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++, v++) {
          // sums / weight < cut without a division (the weight is positive; NaN goes on to the exact test).
          if (sums[v]! < cut * weightSum[v]!) continue;
          this.fill(one, 0, v, v + 1);
          if (one[0]! > level) extent.add(i, j, k);
        }
      }
    }
    return extent.box();
  }
}
