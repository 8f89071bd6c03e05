/**
 * Re-segmentation (IBSI-1 section 2.5): the intensity mask keeps the voxels of the morphological mask whose
 * intensities lie within a range [lower, upper] (either bound optional) and, with outlier filtering, within
 * mean ± 3σ of the ROI's intensities. The morphological mask itself is left as it is (section 3.1).
 */
import { OUTLIER_SIGMA } from './constants';

export interface IntensityRange {
  /** Inclusive lower bound (HU); null or absent: none. */
  lower?: number | null;
  /** Inclusive upper bound (HU); null or absent: none. */
  upper?: number | null;
}

export interface ResegmentationOptions {
  range?: IntensityRange | null;
  /** Outlier filtering at mean ± this many standard deviations; true means OUTLIER_SIGMA (3). */
  outlierFilter?: boolean | number;
}

/** Mean and population standard deviation of the intensities where `mask` is set. */
export function maskedMeanSd(
  intensity: Float64Array,
  mask: Uint8Array,
): { mean: number; sd: number; n: number } {
  let n = 0;
  let sum = 0;
  for (let p = 0; p < intensity.length; p++) {
    if (mask[p] === 0) continue;
    n++;
    sum += intensity[p]!;
  }
  const mean = n > 0 ? sum / n : NaN;
  let squares = 0;
  for (let p = 0; p < intensity.length; p++) {
    if (mask[p] === 0) continue;
    const d = intensity[p]! - mean;
    squares += d * d;
  }
  return { mean, sd: n > 0 ? Math.sqrt(squares / n) : NaN, n };
}

/** Keeps mask voxels whose intensity lies in [lower, upper]; writes the result into a new mask. */
export function rangeMask(
  intensity: Float64Array,
  mask: Uint8Array,
  lower: number,
  upper: number,
): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) {
    const v = intensity[p]!;
    out[p] = mask[p] !== 0 && v >= lower && v <= upper ? 1 : 0;
  }
  return out;
}

/**
 * The IBSI intensity mask. With both filters, range re-segmentation comes first and the outlier statistics
 * are taken over the voxels it kept (the order MIRP, the IBSI reference implementation, applies).
 */
export function resegment(
  intensity: Float64Array,
  morphologicalMask: Uint8Array,
  options: ResegmentationOptions,
): Uint8Array {
  const lower = options.range?.lower ?? -Infinity;
  const upper = options.range?.upper ?? Infinity;
  let mask = rangeMask(intensity, morphologicalMask, lower, upper);
  const sigma = options.outlierFilter === true ? OUTLIER_SIGMA : options.outlierFilter || 0;
  if (sigma > 0) {
    const { mean, sd, n } = maskedMeanSd(intensity, mask);
    if (n > 0) mask = rangeMask(intensity, mask, mean - sigma * sd, mean + sigma * sd);
  }
  return mask;
}
