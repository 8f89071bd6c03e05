import type { Features, RoiImage } from '../types';

/** How the intensity-volume histogram discretises intensities (IBSI-1 3.5); the settings' `ivhDiscretisation`. */
export type IvhDiscretisation = { method: 'FBS'; width: number } | { method: 'FBN'; bins: number };

export interface IvhOptions {
  /**
   * Absent: calibrated discrete intensities (CT) are used as they are, with interval 1. FBS: bins of
   * `width` from the range's lower bound, replaced by their centres. FBN: `bins` bins between the ROI's
   * minimum and maximum, used as bin numbers 1 … bins.
   */
  discretisation?: IvhDiscretisation;
  /** Re-segmentation range [min, max], either end null when open; sets the total range G. */
  range?: [number | null, number | null];
}

/**
 * IBSI-1 intensity-volume histogram features (section 3.5) of the intensity mask: V10, V90 (volume fraction
 * at ≥ 10 % / 90 % intensity fraction), I10, I90 (lowest discretised intensity present in at most 10 % /
 * 90 % of the volume), their differences and the area under the IVH (trapezoidal rule over the intensity
 * fraction; 0 for a single grey level). Intensities must lie on the discretisation grid (CT after rounding).
 * When no grid intensity holds at most x % of the volume, I_x is the first grid intensity above max(G).
 */
export function intensityVolumeFeatures(roi: RoiImage, options: IvhOptions = {}): Features {
  const { intensity, intensityMask } = roi;
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < intensityMask.length; p++) {
    if (!intensityMask[p]) continue;
    n++;
    lo = Math.min(lo, intensity[p]!);
    hi = Math.max(hi, intensity[p]!);
  }
  const nan = {
    ivh_v10: NaN,
    ivh_v90: NaN,
    ivh_i10: NaN,
    ivh_i90: NaN,
    ivh_diff_v10_v90: NaN,
    ivh_diff_i10_i90: NaN,
    ivh_auc: NaN,
  };
  if (n === 0) return nan;

  const method = options.discretisation;
  const xMin = options.range?.[0] ?? lo;
  const xMax = options.range?.[1] ?? hi;
  // value(x): the discretised intensity X_d,gl; G = [gMin, gMax] with interval w.
  let value: (x: number) => number;
  let gMin: number;
  let gMax: number;
  let w: number;
  if (!method) {
    [value, gMin, gMax, w] = [(x) => x, xMin, xMax, 1];
  } else if (method.method === 'FBS') {
    const wb = method.width;
    value = (x) => xMin + (Math.floor((x - xMin) / wb) + 1 - 0.5) * wb;
    [gMin, gMax, w] = [xMin + 0.5 * wb, xMax - 0.5 * wb, wb];
  } else {
    const ng = method.bins;
    value = (x) => (hi > lo ? Math.min(ng, Math.floor((ng * (x - lo)) / (hi - lo)) + 1) : 1);
    [gMin, gMax, w] = [1, ng, 1];
  }
  const steps = Math.max(0, Math.round((gMax - gMin) / w));

  // atLeast[k]: voxels whose discretised intensity is ≥ the k-th grid intensity gMin + k·w.
  const atLeast = new Float64Array(steps + 2);
  for (let p = 0; p < intensityMask.length; p++) {
    if (!intensityMask[p]) continue;
    const k = Math.round((value(intensity[p]!) - gMin) / w);
    // Below G: under every grid intensity, never counted; above G: over every one.
    if (k >= 0) atLeast[Math.min(steps + 1, k)]!++;
  }
  for (let k = steps; k >= 0; k--) atLeast[k]! += atLeast[k + 1]!;
  const nu = (k: number) => atLeast[k]! / n;

  const volumeAt = (fraction: number) => (steps === 0 ? nu(0) : nu(Math.ceil(fraction * steps - 1e-9)));
  const intensityAt = (fraction: number) => {
    for (let k = 0; k <= steps + 1; k++) if (atLeast[k]! <= fraction * n + 1e-9) return gMin + k * w;
    return gMin + (steps + 1) * w;
  };
  let auc = 0;
  for (let k = 0; k < steps; k++) auc += (nu(k) + nu(k + 1)) / 2 / steps;

  const [v10, v90, i10, i90] = [volumeAt(0.1), volumeAt(0.9), intensityAt(0.1), intensityAt(0.9)];
  return {
    ivh_v10: v10,
    ivh_v90: v90,
    ivh_i10: i10,
    ivh_i90: i90,
    ivh_diff_v10_v90: v10 - v90,
    ivh_diff_i10_i90: i10 - i90,
    ivh_auc: auc,
  };
}
