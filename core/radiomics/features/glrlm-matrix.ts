import type { Vec3 } from '../../imaging/volume';
import type { DiscretisedRoi } from '../types';
import type { Direction } from './directions';

/**
 * Grey level run length matrices (IBSI-1 section 3.7): one matrix and its 16 features. The aggregations
 * over slices and directions are in glrlm.ts; a PyRadiomics-style variant can reuse these functions.
 */

/** Feature names in IBSI benchmark tag form (`rlm_<name>_<aggregation>`), in output order. */
export const GLRLM_FEATURE_NAMES = [
  'sre',
  'lre',
  'lgre',
  'hgre',
  'srlge',
  'srhge',
  'lrlge',
  'lrhge',
  'glnu',
  'glnu_norm',
  'rlnu',
  'rlnu_norm',
  'r_perc',
  'gl_var',
  'rl_var',
  'rl_entr',
] as const;

export type GlrlmFeatureName = (typeof GLRLM_FEATURE_NAMES)[number];

/** Nr, the run length columns of a matrix for a box: the longest possible run, max(dims). */
export function glrlmMaxRunLength(dims: Vec3): number {
  return Math.max(dims[0], dims[1], dims[2]);
}

/** Steps left along one axis from coordinate c (inclusive) moving by d within [lo, hi). */
function stepsLeft(c: number, d: number, lo: number, hi: number): number {
  return d > 0 ? hi - c : d < 0 ? c - lo + 1 : Infinity;
}

/**
 * Adds the runs along `direction` within slices [kStart, kEnd) to `out` (Ng×Nr, row-major, row = level − 1,
 * column = run length − 1, Nr = `maxRunLength`). A run is a maximal line of consecutive ROI voxels
 * (level > 0) with the same level; voxels outside the ROI or the slab end runs. Returns `out`.
 */
export function glrlmCounts(
  roi: DiscretisedRoi,
  direction: Direction,
  kStart = 0,
  kEnd = roi.dims[2],
  maxRunLength = glrlmMaxRunLength(roi.dims),
  out: Float64Array = new Float64Array(roi.levelCount * maxRunLength),
): Float64Array {
  const [ni, nj] = roi.dims;
  const [di, dj, dk] = direction;
  const levels = roi.levels;
  const nr = maxRunLength;
  const offset = di + ni * (dj + nj * dk);

  const walkLine = (i: number, j: number, k: number): void => {
    const length = Math.min(stepsLeft(i, di, 0, ni), stepsLeft(j, dj, 0, nj), stepsLeft(k, dk, kStart, kEnd));
    let idx = i + ni * (j + nj * k);
    let current = 0;
    let run = 0;
    for (let t = 0; t < length; t++, idx += offset) {
      const g = levels[idx]!;
      if (g === current) {
        run++;
        continue;
      }
      if (current > 0) out[(current - 1) * nr + run - 1]! += 1;
      current = g;
      run = 1;
    }
    if (current > 0) out[(current - 1) * nr + run - 1]! += 1;
  };

  // Lines start at the voxels whose predecessor (v − direction) lies outside the box or slab.
  for (let k = kStart; k < kEnd; k++) {
    const kFace = (dk > 0 && k === kStart) || (dk < 0 && k === kEnd - 1);
    for (let j = 0; j < nj; j++) {
      if (kFace || (dj > 0 && j === 0) || (dj < 0 && j === nj - 1)) {
        for (let i = 0; i < ni; i++) walkLine(i, j, k);
      } else if (di > 0) walkLine(0, j, k);
      else if (di < 0) walkLine(ni - 1, j, k);
    }
  }
  return out;
}

/**
 * The 16 IBSI GLRLM features of one Ng×Nr run count matrix, or null when it holds no runs. `nVoxels` is the
 * ROI voxel count under the matrix (summed over the matrices of a merged one) for the run percentage.
 */
export function glrlmMatrixFeatures(
  counts: Float64Array,
  levelCount: number,
  maxRunLength: number,
  nVoxels: number,
): Record<GlrlmFeatureName, number> | null {
  const ng = levelCount;
  const nr = maxRunLength;
  const byLevel = new Float64Array(ng);
  const byLength = new Float64Array(nr);
  let ns = 0;
  let srlge = 0;
  let srhge = 0;
  let lrlge = 0;
  let lrhge = 0;
  let muLevel = 0;
  let muLength = 0;
  for (let i = 1; i <= ng; i++) {
    const rowOff = (i - 1) * nr;
    for (let j = 1; j <= nr; j++) {
      const c = counts[rowOff + j - 1]!;
      if (c === 0) continue;
      const i2 = i * i;
      const j2 = j * j;
      ns += c;
      byLevel[i - 1]! += c;
      byLength[j - 1]! += c;
      srlge += c / (i2 * j2);
      srhge += (c * i2) / j2;
      lrlge += (c * j2) / i2;
      lrhge += c * i2 * j2;
      muLevel += i * c;
      muLength += j * c;
    }
  }
  if (ns <= 0) return null;
  muLevel /= ns;
  muLength /= ns;

  let lgre = 0;
  let hgre = 0;
  let glnu = 0;
  let glVar = 0;
  for (let i = 1; i <= ng; i++) {
    const r = byLevel[i - 1]!;
    lgre += r / (i * i);
    hgre += r * i * i;
    glnu += r * r;
    glVar += (i - muLevel) ** 2 * r;
  }
  let sre = 0;
  let lre = 0;
  let rlnu = 0;
  let rlVar = 0;
  for (let j = 1; j <= nr; j++) {
    const r = byLength[j - 1]!;
    sre += r / (j * j);
    lre += r * j * j;
    rlnu += r * r;
    rlVar += (j - muLength) ** 2 * r;
  }
  let entropy = 0;
  for (let n = 0; n < ng * nr; n++) {
    const c = counts[n]!;
    if (c > 0) entropy -= (c / ns) * Math.log2(c / ns);
  }

  return {
    sre: sre / ns,
    lre: lre / ns,
    lgre: lgre / ns,
    hgre: hgre / ns,
    srlge: srlge / ns,
    srhge: srhge / ns,
    lrlge: lrlge / ns,
    lrhge: lrhge / ns,
    glnu: glnu / ns,
    glnu_norm: glnu / (ns * ns),
    rlnu: rlnu / ns,
    rlnu_norm: rlnu / (ns * ns),
    r_perc: ns / nVoxels,
    gl_var: glVar / ns,
    rl_var: rlVar / ns,
    rl_entr: entropy,
  };
}
