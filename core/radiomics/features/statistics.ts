import type { Features, RoiImage } from '../types';
import { quantile, sampleFromValues } from './intensity-quantile';

/**
 * IBSI-1 intensity-based statistical features (section 3.3) over the intensities of the intensity mask.
 * Variance, skewness and kurtosis are the biased (1/N) moments; skewness and kurtosis are 0 when the
 * variance is 0. An empty intensity mask gives NaN throughout.
 */
export function intensityStatistics(roi: RoiImage): Features {
  const { intensity, intensityMask } = roi;
  let n = 0;
  for (let p = 0; p < intensityMask.length; p++) if (intensityMask[p]) n++;
  const values = new Float64Array(n);
  let sum = 0;
  let energy = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0, k = 0; p < intensityMask.length; p++) {
    if (!intensityMask[p]) continue;
    const x = intensity[p]!;
    values[k++] = x;
    sum += x;
    energy += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
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
  [m2, m3, m4] = [m2 / n, m3 / n, m4 / n];

  const sample = sampleFromValues(values, min, max);
  const [p10, p25, median, p75, p90] = [0.1, 0.25, 0.5, 0.75, 0.9].map((p) => quantile(sample, p)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  let medad = 0;
  let robustSum = 0;
  let robustCount = 0;
  for (let k = 0; k < n; k++) {
    const x = values[k]!;
    medad += Math.abs(x - median);
    if (x >= p10 && x <= p90) {
      robustSum += x;
      robustCount++;
    }
  }
  const robustMean = robustSum / robustCount;
  let rmad = 0;
  for (let k = 0; k < n; k++) {
    const x = values[k]!;
    if (x >= p10 && x <= p90) rmad += Math.abs(x - robustMean);
  }

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
    stat_mad: mad / n,
    stat_rmad: rmad / robustCount,
    stat_medad: medad / n,
    stat_cov: Math.sqrt(m2) / mean,
    stat_qcod: (p75 - p25) / (p75 + p25),
    stat_energy: n > 0 ? energy : NaN,
    stat_rms: Math.sqrt(energy / n),
  };
}
