import type { DiscretisedRoi, Features } from '../types';
import { quantile, sampleFromCounts } from './intensity-quantile';

/**
 * IBSI-1 intensity histogram features (section 3.4) of the discretised grey levels 1 … Ng inside the
 * intensity mask (level 0 is outside). The histogram spans all Ng levels, empty ones included (the
 * gradient needs it non-sparse). Ties: the mode closest to the mean (the lower one when equidistant), and
 * the lowest level for the gradient extremes. An empty ROI gives NaN throughout.
 */
export function intensityHistogramFeatures(roi: DiscretisedRoi): Features {
  const { levels, levelCount: ng } = roi;
  const counts = levelCounts(levels, ng); // counts[i] for level i; counts[0] unused
  let n = 0;
  for (let i = 1; i <= ng; i++) n += counts[i]!;
  let mean = 0;
  let min = 0;
  let max = 0;
  for (let i = 1; i <= ng; i++) {
    if (counts[i] === 0) continue;
    mean += i * counts[i]!;
    if (min === 0) min = i;
    max = i;
  }
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let mad = 0;
  let entropy = 0;
  let uniformity = 0;
  let mode = 0;
  for (let i = 1; i <= ng; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const d = i - mean;
    const p = c / n;
    m2 += p * d * d;
    m3 += p * d * d * d;
    m4 += p * d * d * d * d;
    mad += p * Math.abs(d);
    entropy -= p * Math.log2(p);
    uniformity += p * p;
    if (mode === 0 || c > counts[mode]! || (c === counts[mode]! && Math.abs(d) < Math.abs(mode - mean)))
      mode = i;
  }

  const sample = sampleFromCounts(counts, 0);
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
  for (let i = 1; i <= ng; i++) {
    const c = counts[i]!;
    medad += c * Math.abs(i - median);
    if (i >= p10 && i <= p90) {
      robustSum += c * i;
      robustCount += c;
    }
  }
  const robustMean = robustSum / robustCount;
  let rmad = 0;
  for (let i = 1; i <= ng; i++) if (i >= p10 && i <= p90) rmad += counts[i]! * Math.abs(i - robustMean);

  // Histogram gradient: one-sided at the ends, central inside.
  let maxGrad = -Infinity;
  let maxGradLevel = 1;
  let minGrad = Infinity;
  let minGradLevel = 1;
  for (let i = 1; i <= ng; i++) {
    let grad = 0;
    if (ng > 1) {
      if (i === 1) grad = counts[2]! - counts[1]!;
      else if (i === ng) grad = counts[ng]! - counts[ng - 1]!;
      else grad = (counts[i + 1]! - counts[i - 1]!) / 2;
    }
    if (grad > maxGrad) [maxGrad, maxGradLevel] = [grad, i];
    if (grad < minGrad) [minGrad, minGradLevel] = [grad, i];
  }

  const none = n === 0;
  return {
    ih_mean: mean,
    ih_var: none ? NaN : m2,
    ih_skew: none ? NaN : m2 === 0 ? 0 : m3 / m2 ** 1.5,
    ih_kurt: none ? NaN : m2 === 0 ? 0 : m4 / (m2 * m2) - 3,
    ih_median: median,
    ih_min: none ? NaN : min,
    ih_p10: p10,
    ih_p90: p90,
    ih_max: none ? NaN : max,
    ih_mode: none ? NaN : mode,
    ih_iqr: p75 - p25,
    ih_range: none ? NaN : max - min,
    ih_mad: none ? NaN : mad,
    ih_rmad: rmad / robustCount,
    ih_medad: medad / n,
    ih_cov: Math.sqrt(m2) / mean,
    ih_qcod: (p75 - p25) / (p75 + p25),
    ih_entropy: none ? NaN : entropy,
    ih_uniformity: none ? NaN : uniformity,
    ih_max_grad: none ? NaN : maxGrad,
    ih_max_grad_g: none ? NaN : maxGradLevel,
    ih_min_grad: none ? NaN : minGrad,
    ih_min_grad_g: none ? NaN : minGradLevel,
  };
}

/**
 * How many voxels hold each level 1 … ng (index 0 unused). A leaf over the box, so that its optimised loop
 * outlives deoptimisations of the feature assembly around it.
 */
function levelCounts(levels: ArrayLike<number>, ng: number): Float64Array {
  const counts = new Float64Array(ng + 1);
  for (let p = 0; p < levels.length; p++) {
    const g = levels[p]!;
    if (g >= 1 && g <= ng) counts[g]!++;
  }
  return counts;
}
