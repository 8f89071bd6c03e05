import type { Features, RoiImage } from '../types';
import { quantile, sampleFromValues } from './intensity-quantile';

/**
 * IBSI-1 intensity-based statistical features (section 3.3) over the intensities of the intensity mask.
 * Variance, skewness and kurtosis are the biased (1/N) moments; skewness and kurtosis are 0 when the
 * variance is 0. An empty intensity mask gives NaN throughout.
 */
export function intensityStatistics(roi: RoiImage): Features {
  const values = maskedValues(roi.intensity, roi.intensityMask);
  const n = values.length;
  const { sum, energy, min, max } = sumsAndExtremes(values);
  const mean = sum / n;
  const { m2, m3, m4, mad } = centralMoments(values, mean);

  const sample = sampleFromValues(values, min, max);
  const [p10, p25, median, p75, p90] = [0.1, 0.25, 0.5, 0.75, 0.9].map((p) => quantile(sample, p)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const { medad, robustMean, robustCount } = robustSums(values, median, p10, p90);
  const rmad = robustDeviation(values, robustMean, p10, p90);

  return {
    stat_mean: mean,
    stat_var: m2,
    stat_skew: m2 === 0 ? 0 : m3 / m2 ** 1.5,
    stat_kurt: m2 === 0 ? 0 : m4 / (m2 * m2) - 3,
    stat_median: median,
    stat_min: n > 0 ? min : NaN,
    stat_p10: p10,
    stat_p90: p90,
    stat_max: n > 0 ? max : NaN,
    stat_iqr: p75 - p25,
    stat_range: n > 0 ? max - min : NaN,
    stat_mad: mad,
    stat_rmad: rmad / robustCount,
    stat_medad: medad / n,
    stat_cov: Math.sqrt(m2) / mean,
    stat_qcod: (p75 - p25) / (p75 + p25),
    stat_energy: n > 0 ? energy : NaN,
    stat_rms: Math.sqrt(energy / n),
  };
}

// The passes below are leaves of typed arrays and numbers: their optimised code is not thrown away when the
// feature assembly above deoptimises, which made run-to-run times swing.

/** The intensities where `mask` is set, in box order. */
function maskedValues(intensity: Float64Array, mask: Uint8Array): Float64Array {
  let n = 0;
  for (let p = 0; p < mask.length; p++) if (mask[p]) n++;
  const values = new Float64Array(n);
  for (let p = 0, k = 0; p < mask.length; p++) if (mask[p]) values[k++] = intensity[p]!;
  return values;
}

function sumsAndExtremes(values: Float64Array): { sum: number; energy: number; min: number; max: number } {
  let sum = 0;
  let energy = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    sum += x;
    energy += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { sum, energy, min, max };
}

/** The biased 2nd–4th central moments and the mean absolute deviation. */
function centralMoments(
  values: Float64Array,
  mean: number,
): { m2: number; m3: number; m4: number; mad: number } {
  const n = values.length;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let mad = 0;
  for (let k = 0; k < n; k++) {
    const d = values[k]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    mad += Math.abs(d);
  }
  return { m2: m2 / n, m3: m3 / n, m4: m4 / n, mad: mad / n };
}

/** Σ|x − median| and the mean and count of the values within [p10, p90]. */
function robustSums(
  values: Float64Array,
  median: number,
  p10: number,
  p90: number,
): { medad: number; robustMean: number; robustCount: number } {
  let medad = 0;
  let robustSum = 0;
  let robustCount = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    medad += Math.abs(x - median);
    if (x >= p10 && x <= p90) {
      robustSum += x;
      robustCount++;
    }
  }
  return { medad, robustMean: robustSum / robustCount, robustCount };
}

/** Σ|x − robustMean| over the values within [p10, p90]. */
function robustDeviation(values: Float64Array, robustMean: number, p10: number, p90: number): number {
  let rmad = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    if (x >= p10 && x <= p90) rmad += Math.abs(x - robustMean);
  }
  return rmad;
}
