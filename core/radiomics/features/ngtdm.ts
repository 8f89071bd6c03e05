import type { DiscretisedRoi, Dimensionality, Features } from '../types';
import { chebyshevOffsets, sliceOf, type PaddedGrid } from '../../imaging/grid/padded-grid';
import { neighbourSums3D } from './neighbour-sums';
import { paddedLevels } from './padded-levels';
import { aggregate } from './zones-matrix';

/** IBSI-1 3.10 feature names (benchmark tags `ngt_<name>_<2D|2_5D|3D>`), in ngtdmMatrixFeatures order. */
export const NGTDM_NAMES = ['coarseness', 'contrast', 'busyness', 'complexity', 'strength'] as const;

/** Coarseness when Σ p_i s_i = 0 (IBSI-1 3.10). */
export const NGTDM_MAX_COARSENESS = 1e6;

/**
 * Neighbourhood grey tone difference matrix, indexed by grey level 1 … Ng (index 0 unused): n_i voxels of grey
 * level i with at least one ROI neighbour (or all of them, NgtdmOptions.countIsolatedVoxels), and
 * s_i = Σ |i − mean grey level of the ROI neighbours|.
 */
export interface NgtdmMatrix {
  levelCount: number;
  n: Float64Array;
  s: Float64Array;
}

export interface NeighbourhoodOptions {
  /** Chebyshev neighbourhood radius δ (default 1). */
  delta?: number;
}

export interface NgtdmOptions extends NeighbourhoodOptions {
  /**
   * Count ROI voxels without ROI neighbours in n_i (with s_i += 0), as PyRadiomics does; IBSI-1 leaves them
   * out (default false).
   */
  countIsolatedVoxels?: boolean;
}

/**
 * NGTDMs with neighbours within Chebyshev distance δ inside the ROI (IBSI-1 3.10): one per slice with valid
 * neighbourhoods (in-plane neighbours only) when `planar`, otherwise one 3D matrix.
 */
export function ngtdmMatrices(
  roi: DiscretisedRoi,
  planar: boolean,
  options: NgtdmOptions = {},
): NgtdmMatrix[] {
  const delta = options.delta ?? 1;
  const countIsolated = options.countIsolatedVoxels ?? false;
  const grid = paddedLevels(roi, delta);
  const { values, voxels } = grid;
  const offsets = chebyshevOffsets(grid, delta, planar);
  const nOffsets = offsets.length;
  const rows = roi.levelCount + 1;
  const nSlices = planar ? roi.dims[2] : 1;
  const n = new Float64Array(nSlices * rows);
  const s = new Float64Array(nSlices * rows);
  if (!planar && delta === 1 && roi.levelCount <= 0xffff) {
    volumeNgtdm(grid, countIsolated, n, s);
    return [{ levelCount: roi.levelCount, n, s }].filter((m) => m.n.some((x) => x > 0));
  }
  for (let v = 0; v < voxels.length; v++) {
    const p = voxels[v] as number;
    let sum = 0;
    let count = 0;
    for (let o = 0; o < nOffsets; o++) {
      const q = values[p + (offsets[o] as number)] as number;
      sum += q;
      count += -q >>> 31; // q ≥ 0: 1 inside the ROI, 0 outside, without a branch
    }
    if (count === 0 && !countIsolated) continue;
    const grey = values[p] as number;
    const cell = (planar ? sliceOf(grid, p) * rows : 0) + grey;
    n[cell] = (n[cell] as number) + 1;
    if (count > 0) s[cell] = (s[cell] as number) + Math.abs(grey - sum / count);
  }
  const out: NgtdmMatrix[] = [];
  for (let k = 0; k < nSlices; k++) {
    const slice = {
      levelCount: roi.levelCount,
      n: n.slice(k * rows, (k + 1) * rows),
      s: s.slice(k * rows, (k + 1) * rows),
    };
    if (slice.n.some((x) => x > 0)) out.push(slice);
  }
  return out;
}

/** The 3D NGTDM at δ = 1 from separable box sums (neighbourSums3D): the same n_i and s_i, in voxel order. */
function volumeNgtdm(grid: PaddedGrid, countIsolated: boolean, n: Float64Array, s: Float64Array): void {
  const { values, voxels } = grid;
  const { sum, count } = neighbourSums3D(grid);
  for (let v = 0; v < voxels.length; v++) {
    const c = count[v]!;
    if (c === 0 && !countIsolated) continue;
    const grey = values[voxels[v]!]!;
    n[grey] = n[grey]! + 1;
    if (c > 0) s[grey] = s[grey]! + Math.abs(grey - sum[v]! / c);
  }
}

export function mergeNgtdm(matrices: readonly NgtdmMatrix[], levelCount: number): NgtdmMatrix {
  const n = new Float64Array(levelCount + 1);
  const s = new Float64Array(levelCount + 1);
  for (const m of matrices) {
    m.n.forEach((x, i) => (n[i] = (n[i] as number) + x));
    m.s.forEach((x, i) => (s[i] = (s[i] as number) + x));
  }
  return { levelCount, n, s };
}

/** Coarseness, contrast, busyness, complexity and strength of one NGTDM (IBSI-1 3.10). */
export function ngtdmMatrixFeatures(m: NgtdmMatrix): number[] {
  let nvc = 0;
  let sSum = 0;
  const present: number[] = [];
  m.n.forEach((x, i) => {
    nvc += x;
    sSum += m.s[i] as number;
    if (x > 0) present.push(i);
  });
  if (nvc === 0) return [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  const p = (i: number) => (m.n[i] as number) / nvc;
  const s = (i: number) => m.s[i] as number;
  let ps = 0;
  for (const i of present) ps += p(i) * s(i);
  let dynamicRange = 0;
  let busyDenominator = 0;
  let complexity = 0;
  let strength = 0;
  for (const a of present) {
    for (const b of present) {
      const d = a - b;
      dynamicRange += p(a) * p(b) * d * d;
      busyDenominator += Math.abs(a * p(a) - b * p(b));
      complexity += (Math.abs(d) * (p(a) * s(a) + p(b) * s(b))) / (p(a) + p(b));
      strength += (p(a) + p(b)) * d * d;
    }
  }
  const ngp = present.length;
  return [
    ps === 0 ? NGTDM_MAX_COARSENESS : 1 / ps,
    ngp > 1 ? (dynamicRange / (ngp * (ngp - 1))) * (sSum / nvc) : 0,
    busyDenominator > 0 ? ps / busyDenominator : 0,
    complexity / nvc,
    sSum > 0 ? strength / sSum : 0,
  ];
}

/** NGTDM features (`ngt_*`) for the requested aggregations: 2D averaged over slices, 2.5D merged, 3D. */
export function ngtdmFeatures(
  roi: DiscretisedRoi,
  dims: readonly Dimensionality[],
  options: NgtdmOptions = {},
): Features {
  return aggregate(dims, {
    slices: () => ngtdmMatrices(roi, true, options),
    volume: () => ngtdmMatrices(roi, false, options)[0] ?? mergeNgtdm([], roi.levelCount),
    merge: (ms) => mergeNgtdm(ms, roi.levelCount),
    features: ngtdmMatrixFeatures,
    prefix: 'ngt',
    names: NGTDM_NAMES,
  });
}
