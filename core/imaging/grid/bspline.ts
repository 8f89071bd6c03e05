/**
 * In-place cubic B-spline prefilter (Unser, "Splines: a perfect fit for signal and image processing", 1999):
 * turns samples into coefficients whose cubic B-spline passes through the samples, with mirror boundaries
 * (… 2 1 0 1 2 …), as scipy.ndimage.spline_filter1d does. IBSI-1 section 2.4 (configuration E: tricubic
 * spline interpolation). The recursion runs on `width` adjacent lines at once (element (k, c) of the block
 * at offset + k·stride + c), so filtering along j or k walks memory contiguously.
 */
import { CUBIC_BSPLINE_GAIN, CUBIC_BSPLINE_POLE } from './constants';

// Module-level copies: imported bindings can be getter calls in hot loops under some loaders.
const Z = CUBIC_BSPLINE_POLE;
const GAIN = CUBIC_BSPLINE_GAIN;
const ANTICAUSAL_INIT = Z / (Z * Z - 1);

/**
 * Weights of the exact causal initial value for mirror boundaries on n samples:
 * c⁺[0] = Σ_k (z^k + z^(2n−2−k)) x[k] / (1 − z^(2n−2)), the end terms counted once.
 */
export function causalInitWeights(n: number): Float64Array {
  const w = new Float64Array(n);
  const zLast = Math.pow(Z, n - 1);
  const norm = 1 / (1 - zLast * zLast);
  let zk = 1;
  for (let k = 0; k < n; k++, zk *= Z) {
    const mirrored = k === 0 || k === n - 1 ? 0 : zLast * Math.pow(Z, n - 1 - k);
    w[k] = (zk + mirrored) * norm;
  }
  return w;
}

export function prefilterLines(
  data: Float64Array,
  offset: number,
  n: number,
  stride: number,
  width: number,
  init: Float64Array,
): void {
  if (n < 2) return;
  const end = offset + width;
  const last = offset + (n - 1) * stride;
  for (let k = 0, p = offset; k < n; k++, p += stride) for (let c = 0; c < width; c++) data[p + c]! *= GAIN;
  for (let c = offset; c < end; c++) {
    let sum = 0;
    for (let k = 0, p = c; k < n; k++, p += stride) sum += init[k]! * data[p]!;
    data[c] = sum;
  }
  for (let p = offset + stride; p <= last; p += stride) {
    for (let c = 0; c < width; c++) data[p + c] = data[p + c]! + Z * data[p + c - stride]!;
  }
  for (let c = 0; c < width; c++) {
    data[last + c] = ANTICAUSAL_INIT * (data[last + c]! + Z * data[last + c - stride]!);
  }
  for (let p = last - stride; p >= offset; p -= stride) {
    for (let c = 0; c < width; c++) data[p + c] = Z * (data[p + c + stride]! - data[p + c]!);
  }
}

/** Prefilters one contiguous line of n samples in place. */
export function prefilterCubicLine(line: Float64Array, n: number): void {
  prefilterLines(line, 0, n, 1, 1, causalInitWeights(n));
}
