import type { RoiImage } from '../types';

/** Moran's I and Geary's C over the intensity mask (IBSI-1 3.1.28–29). */
export interface Autocorrelation {
  moranI: number;
  gearyC: number;
  /** Voxels the pair sums ran over: all of them, or a sample when the ROI is larger than the cap. */
  sampled: number;
}

/** Above this many voxels the O(n²) pair sums run over a fixed-seed random sample of this size. */
export const DEFAULT_AUTOCORRELATION_MAX_VOXELS = 2000;

/**
 * Both statistics sum over all ordered voxel pairs k1 ≠ k2 with weight w = 1 / (Euclidean distance in mm).
 * Exact for ROIs of at most `maxVoxels` voxels. For larger ROIs the pair sums Σw·(x1−μ)(x2−μ),
 * Σw·(x1−x2)² and Σw run over a uniform sample of `maxVoxels` voxels (without replacement, fixed seed, so
 * the result is reproducible): each weighted pair average is then estimated from ~maxVoxels²/2 random
 * pairs, while μ and Σ(x−μ)²/N come from the whole ROI. IBSI-1 suggests such subsampling.
 */
export function autocorrelation(
  roi: RoiImage,
  maxVoxels = DEFAULT_AUTOCORRELATION_MAX_VOXELS,
): Autocorrelation {
  const { dims, spacing, intensity, intensityMask } = roi;
  const [nx, ny] = dims;
  let count = 0;
  let sum = 0;
  for (let p = 0; p < intensityMask.length; p++) {
    if (intensityMask[p]) {
      count++;
      sum += intensity[p]!;
    }
  }
  if (count < 2) return { moranI: NaN, gearyC: NaN, sampled: count };
  const mean = sum / count;
  let ss = 0;
  for (let p = 0; p < intensityMask.length; p++) if (intensityMask[p]) ss += (intensity[p]! - mean) ** 2;

  // Voxel indices in the mask, then a partial Fisher–Yates shuffle for the sample.
  const index = new Int32Array(count);
  for (let p = 0, q = 0; p < intensityMask.length; p++) if (intensityMask[p]) index[q++] = p;
  const m = Math.min(count, Math.max(2, maxVoxels));
  if (m < count) {
    let seed = 0x9e3779b9;
    for (let s = 0; s < m; s++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const t = s + (seed % (count - s));
      [index[s], index[t]] = [index[t]!, index[s]!];
    }
  }
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  const z = new Float64Array(m);
  const v = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    const p = index[s]!;
    x[s] = (p % nx) * spacing[0];
    y[s] = (Math.floor(p / nx) % ny) * spacing[1];
    z[s] = Math.floor(p / (nx * ny)) * spacing[2];
    v[s] = intensity[p]! - mean;
  }
  // Unordered pairs; the ordered-pair sums are twice these, and the factor cancels.
  let w = 0;
  let cross = 0;
  let diff = 0;
  for (let s = 0; s < m; s++) {
    const xs = x[s]!;
    const ys = y[s]!;
    const zs = z[s]!;
    const vs = v[s]!;
    for (let t = s + 1; t < m; t++) {
      const wt = 1 / Math.sqrt((x[t]! - xs) ** 2 + (y[t]! - ys) ** 2 + (z[t]! - zs) ** 2);
      const vt = v[t]!;
      w += wt;
      cross += wt * vs * vt;
      diff += wt * (vs - vt) * (vs - vt);
    }
  }
  if (ss === 0) return { moranI: NaN, gearyC: NaN, sampled: m };
  // I = N/W · Σw z1 z2 / Σz²  and  C = (N−1)/(2W) · Σw (x1−x2)² / Σz², with W, sums over the sample
  // and N, Σz² over the ROI: identical to the definition when the sample is the whole ROI.
  const variance = ss / count;
  return {
    moranI: cross / w / variance,
    gearyC: (((count - 1) / count) * (diff / w)) / (2 * variance),
    sampled: m,
  };
}
