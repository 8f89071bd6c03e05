import type { DiscretisedRoi } from '../types';
import type { Direction } from './directions';

/**
 * Grey level co-occurrence matrices (IBSI-1 section 3.6): one matrix and its 25 features. The aggregations
 * over slices and directions are in glcm.ts; a PyRadiomics-style variant can reuse these two functions.
 */

/** Feature names in IBSI benchmark tag form (`cm_<name>_<aggregation>`), in output order. */
export const GLCM_FEATURE_NAMES = [
  'joint_max',
  'joint_avg',
  'joint_var',
  'joint_entr',
  'diff_avg',
  'diff_var',
  'diff_entr',
  'sum_avg',
  'sum_var',
  'sum_entr',
  'energy',
  'contrast',
  'dissimilarity',
  'inv_diff',
  'inv_diff_norm',
  'inv_diff_mom',
  'inv_diff_mom_norm',
  'inv_var',
  'corr',
  'auto_corr',
  'clust_tend',
  'clust_shade',
  'clust_prom',
  'info_corr1',
  'info_corr2',
] as const;

export type GlcmFeatureName = (typeof GLCM_FEATURE_NAMES)[number];

/**
 * Adds the symmetric co-occurrence counts at Chebyshev distance 1 along `direction` to `out` (Ng×Ng,
 * row-major, row = level − 1): every pair of voxels v, v + direction with both inside the ROI (level > 0)
 * and both in slices [kStart, kEnd) counts once as (a, b) and once as (b, a). Returns `out`.
 */
export function glcmCounts(
  roi: DiscretisedRoi,
  direction: Direction,
  kStart = 0,
  kEnd = roi.dims[2],
  out: Float64Array = new Float64Array(roi.levelCount * roi.levelCount),
): Float64Array {
  const [ni, nj] = roi.dims;
  const [di, dj, dk] = direction;
  const ng = roi.levelCount;
  const levels = roi.levels;
  const offset = di + ni * (dj + nj * dk);
  // Loop bounds keep v + direction inside the box (and the slab), so no per-voxel bounds checks.
  const i0 = Math.max(0, -di);
  const i1 = ni - Math.max(0, di);
  const j0 = Math.max(0, -dj);
  const j1 = nj - Math.max(0, dj);
  const k0 = kStart + Math.max(0, -dk);
  const k1 = kEnd - Math.max(0, dk);
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      const row = ni * (j + nj * k);
      for (let idx = row + i0, end = row + i1; idx < end; idx++) {
        const a = levels[idx]!;
        if (a === 0) continue;
        const b = levels[idx + offset]!;
        if (b === 0) continue;
        out[(a - 1) * ng + b - 1]! += 1;
        out[(b - 1) * ng + a - 1]! += 1;
      }
    }
  }
  return out;
}

/** Adds `b` into `a` element-wise (merging matrices sums their counts). Returns `a`. */
export function addInto(a: Float64Array, b: Float64Array): Float64Array {
  for (let n = 0; n < a.length; n++) a[n]! += b[n]!;
  return a;
}

const plogp = (p: number): number => (p > 0 ? p * Math.log2(p) : 0);

/**
 * The 25 IBSI GLCM features of one Ng×Ng count matrix (need not be normalised), or null when it holds no
 * pairs. Computed in O(Ng²) from the marginals p_x, p_y, p_{x+y} and p_{x−y}. Undefined cases: correlation
 * is 1 when the marginal variance is 0 (a single grey level), information correlation 1 is 0 when HX = 0.
 */
export function glcmMatrixFeatures(
  counts: Float64Array,
  levelCount: number,
): Record<GlcmFeatureName, number> | null {
  const ng = levelCount;
  let total = 0;
  for (let n = 0; n < ng * ng; n++) total += counts[n]!;
  if (total <= 0) return null;

  const px = new Float64Array(ng);
  const py = new Float64Array(ng);
  const pSum = new Float64Array(2 * ng + 1); // index k = i + j, i and j from 1
  const pDiff = new Float64Array(ng); // index k = |i − j|
  let jointMax = 0;
  let energy = 0;
  let jointEntropy = 0;
  let autoCorr = 0;
  for (let i = 1; i <= ng; i++) {
    const rowOff = (i - 1) * ng;
    for (let j = 1; j <= ng; j++) {
      const c = counts[rowOff + j - 1]!;
      if (c === 0) continue;
      const p = c / total;
      px[i - 1]! += p;
      py[j - 1]! += p;
      pSum[i + j]! += p;
      pDiff[Math.abs(i - j)]! += p;
      if (p > jointMax) jointMax = p;
      energy += p * p;
      jointEntropy -= p * Math.log2(p);
      autoCorr += i * j * p;
    }
  }

  let muX = 0;
  let muY = 0;
  let hx = 0;
  let hy = 0;
  for (let i = 1; i <= ng; i++) {
    muX += i * px[i - 1]!;
    muY += i * py[i - 1]!;
    hx -= plogp(px[i - 1]!);
    hy -= plogp(py[i - 1]!);
  }
  let varX = 0;
  let varY = 0;
  for (let i = 1; i <= ng; i++) {
    varX += (i - muX) ** 2 * px[i - 1]!;
    varY += (i - muY) ** 2 * py[i - 1]!;
  }

  let diffAvg = 0;
  let diffEntropy = 0;
  let contrast = 0;
  let invDiff = 0;
  let invDiffNorm = 0;
  let invDiffMom = 0;
  let invDiffMomNorm = 0;
  let invVar = 0;
  for (let k = 0; k < ng; k++) {
    const p = pDiff[k]!;
    if (p === 0) continue;
    diffAvg += k * p;
    diffEntropy -= p * Math.log2(p);
    contrast += k * k * p;
    invDiff += p / (1 + k);
    invDiffNorm += p / (1 + k / ng);
    invDiffMom += p / (1 + k * k);
    invDiffMomNorm += p / (1 + (k * k) / (ng * ng));
    if (k > 0) invVar += p / (k * k);
  }
  let diffVar = 0;
  for (let k = 0; k < ng; k++) diffVar += (k - diffAvg) ** 2 * pDiff[k]!;

  let sumAvg = 0;
  let sumEntropy = 0;
  for (let k = 2; k <= 2 * ng; k++) {
    sumAvg += k * pSum[k]!;
    sumEntropy -= plogp(pSum[k]!);
  }
  let sumVar = 0;
  let clustTend = 0;
  let clustShade = 0;
  let clustProm = 0;
  for (let k = 2; k <= 2 * ng; k++) {
    const p = pSum[k]!;
    if (p === 0) continue;
    sumVar += (k - sumAvg) ** 2 * p;
    const c = k - muX - muY;
    clustTend += c * c * p;
    clustShade += c * c * c * p;
    clustProm += c * c * c * c * p;
  }

  // HXY1 = −Σ p_ij log2(p_x(i) p_y(j)) and HXY2 = −Σ p_x(i) p_y(j) log2(p_x(i) p_y(j)) both equal HX + HY.
  const hxy1 = hx + hy;
  const hxy2 = hx + hy;
  const sigma = Math.sqrt(varX * varY);
  const hMax = Math.max(hx, hy);

  return {
    joint_max: jointMax,
    joint_avg: muX,
    joint_var: varX,
    joint_entr: jointEntropy,
    diff_avg: diffAvg,
    diff_var: diffVar,
    diff_entr: diffEntropy,
    sum_avg: sumAvg,
    sum_var: sumVar,
    sum_entr: sumEntropy,
    energy,
    contrast,
    dissimilarity: diffAvg,
    inv_diff: invDiff,
    inv_diff_norm: invDiffNorm,
    inv_diff_mom: invDiffMom,
    inv_diff_mom_norm: invDiffMomNorm,
    inv_var: invVar,
    corr: sigma > 0 ? (autoCorr - muX * muY) / sigma : 1,
    auto_corr: autoCorr,
    clust_tend: clustTend,
    clust_shade: clustShade,
    clust_prom: clustProm,
    info_corr1: hMax > 0 ? (jointEntropy - hxy1) / hMax : 0,
    info_corr2: Math.sqrt(Math.max(0, 1 - Math.exp(-2 * (hxy2 - jointEntropy)))),
  };
}
