/**
 * Per-axis interpolation weights (IBSI-1 section 2.4), computed once per output index so the separable
 * passes do no per-voxel kernel evaluation: nearest neighbour, linear, and the cubic B-spline evaluated on
 * prefiltered coefficients (see bspline.ts). Out-of-grid taps are clamped: nearest-neighbour extrapolation.
 */
import { KERNEL_TAPS } from './constants';
import type { AxisGrid } from './grid';
import { axisPosition } from './grid';
import type { InterpolationOrder } from './types';

export interface AxisPlan {
  taps: number;
  count: number;
  /** Tap m·taps + t reads crop index `index[m·taps + t]` (already clamped into the crop). */
  index: Int32Array;
  weight: Float64Array;
}

/** Offset of the first tap from ⌊x⌋ (nearest uses ⌊x + ½⌋ instead). */
function firstTapOffset(order: InterpolationOrder): number {
  return order === 'cubic' ? -1 : 0;
}

/** Original-grid index range [lo, hi] the taps of output voxels first … first + count − 1 touch (unclamped). */
export function tapRange(
  axis: AxisGrid,
  first: number,
  count: number,
  order: InterpolationOrder,
): [number, number] {
  const a = axisPosition(axis, first);
  const b = axisPosition(axis, first + count - 1);
  if (order === 'nearest') return [Math.floor(a + 0.5), Math.floor(b + 0.5)];
  const lo = Math.floor(a) + firstTapOffset(order);
  return [lo, Math.floor(b) + firstTapOffset(order) + KERNEL_TAPS[order] - 1];
}

/** Writes the 4 cubic B-spline weights for fractional offset t ∈ [0, 1) from ⌊x⌋ (taps ⌊x⌋−1 … ⌊x⌋+2). */
function cubicWeights(t: number, out: Float64Array, at: number): void {
  const u = 1 - t;
  const t2 = t * t;
  const t3 = t2 * t;
  out[at] = (u * u * u) / 6;
  out[at + 1] = (4 - 6 * t2 + 3 * t3) / 6;
  out[at + 2] = (1 + 3 * t + 3 * t2 - 3 * t3) / 6;
  out[at + 3] = t3 / 6;
}

/**
 * Weights for output voxels first … first + count − 1 of `axis`, reading a crop of the original axis that
 * starts at original index `cropStart` and holds `cropLength` values.
 */
export function axisPlan(
  axis: AxisGrid,
  first: number,
  count: number,
  cropStart: number,
  cropLength: number,
  order: InterpolationOrder,
): AxisPlan {
  const taps = KERNEL_TAPS[order];
  const index = new Int32Array(count * taps);
  const weight = new Float64Array(count * taps);
  const last = cropLength - 1;
  const clamp = (i: number) => (i < 0 ? 0 : i > last ? last : i);
  for (let m = 0; m < count; m++) {
    const x = axisPosition(axis, first + m) - cropStart;
    const at = m * taps;
    if (order === 'nearest') {
      index[at] = clamp(Math.floor(x + 0.5));
      weight[at] = 1;
      continue;
    }
    const base = Math.floor(x);
    const t = x - base;
    if (order === 'linear') {
      weight[at] = 1 - t;
      weight[at + 1] = t;
    } else {
      cubicWeights(t, weight, at);
    }
    const offset = firstTapOffset(order);
    for (let tap = 0; tap < taps; tap++) index[at + tap] = clamp(base + offset + tap);
  }
  return { taps, count, index, weight };
}
