/**
 * One separable interpolation pass: resamples a 3D array (i fastest) along one axis with precomputed
 * weights. Trilinear and tricubic interpolation are three such passes (the kernels are tensor products,
 * IBSI-1 section 2.4); the cubic B-spline prefilter, separable too, runs along the same axis just before.
 * Passes along j and k work on whole rows / planes so memory is walked contiguously.
 */
import type { Vec3 } from '../../imaging/volume';
import { causalInitWeights, prefilterLines } from './bspline';
import type { AxisPlan } from './kernels';

export interface Grid3 {
  dims: Vec3;
  data: Float64Array;
}

/** Prefilters `source` along `axis` in place (the caller owns it). */
function prefilterAxis({ dims, data }: Grid3, axis: 0 | 1 | 2): void {
  const [nx, ny, nz] = dims;
  const init = causalInitWeights(dims[axis]);
  if (axis === 0) for (let l = 0; l < ny * nz; l++) prefilterLines(data, l * nx, nx, 1, 1, init);
  else if (axis === 1) for (let k = 0; k < nz; k++) prefilterLines(data, k * nx * ny, ny, nx, nx, init);
  else prefilterLines(data, 0, nz, nx * ny, nx * ny, init);
}

/** out[outOffset + m·outStride + c] = Σ_t w_mt · data[inOffset + index_mt·inStride + c], c < width. */
function blockPass(
  data: Float64Array,
  out: Float64Array,
  plan: AxisPlan,
  inOffset: number,
  inStride: number,
  outOffset: number,
  outStride: number,
  width: number,
): void {
  const { taps, count, index, weight } = plan;
  for (let m = 0, w = 0; m < count; m++) {
    const o = outOffset + m * outStride;
    for (let t = 0; t < taps; t++, w++) {
      const f = weight[w]!;
      if (f === 0) continue;
      const s = inOffset + index[w]! * inStride;
      for (let c = 0; c < width; c++) out[o + c]! += f * data[s + c]!;
    }
  }
}

/** Along i: each output voxel sums `taps` neighbours of one contiguous row. */
function rowPass(data: Float64Array, out: Float64Array, plan: AxisPlan, n: number, rows: number): void {
  const { taps, count, index, weight } = plan;
  for (let r = 0; r < rows; r++) {
    const s = r * n;
    const o = r * count;
    for (let m = 0, w = 0; m < count; m++) {
      let sum = 0;
      for (let t = 0; t < taps; t++, w++) sum += weight[w]! * data[s + index[w]!]!;
      out[o + m] = sum;
    }
  }
}

/** Resamples along `axis`. With `prefilter`, `source.data` is overwritten by its spline coefficients. */
export function resampleAxis(source: Grid3, axis: 0 | 1 | 2, plan: AxisPlan, prefilter: boolean): Grid3 {
  if (prefilter) prefilterAxis(source, axis);
  const { dims, data } = source;
  const [nx, ny, nz] = dims;
  const outDims: Vec3 = [nx, ny, nz];
  outDims[axis] = plan.count;
  const out = new Float64Array(outDims[0] * outDims[1] * outDims[2]);
  if (axis === 0) rowPass(data, out, plan, nx, ny * nz);
  else if (axis === 1) {
    for (let k = 0; k < nz; k++) blockPass(data, out, plan, k * nx * ny, nx, k * nx * plan.count, nx, nx);
  } else blockPass(data, out, plan, 0, nx * ny, 0, nx * ny, nx * ny);
  return { dims: outDims, data: out };
}
