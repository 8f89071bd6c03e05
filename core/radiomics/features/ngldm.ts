import type { DiscretisedRoi, Dimensionality, Features } from '../types';
import type { NeighbourhoodOptions } from './ngtdm';
import { chebyshevOffsets, sliceOf, type PaddedGrid } from '../../imaging/grid/padded-grid';
import { directions3D } from './directions';
import { paddedLevels } from './padded-levels';
import type { CountMatrix } from './zones-matrix';
import { aggregate, countMatrixFeatures, countMatrixFromDense, mergeCountMatrices } from './zones-matrix';

/** IBSI-1 3.11 feature names in countMatrixFeatures order (benchmark tags `ngl_<name>_<2D|2_5D|3D>`). */
export const NGLDM_NAMES = [
  'lde',
  'hde',
  'lgce',
  'hgce',
  'ldlge',
  'ldhge',
  'hdlge',
  'hdhge',
  'glnu',
  'glnu_norm',
  'dcnu',
  'dcnu_norm',
  'dc_perc',
  'gl_var',
  'dc_var',
  'dc_entr',
  'dc_energy',
] as const;

export interface NgldmOptions extends NeighbourhoodOptions {
  /** Coarseness α: neighbours within α grey levels are dependent (default 0). */
  alpha?: number;
}

/**
 * Neighbouring grey level dependence matrices (IBSI-1 3.11): cell (i, j) counts the ROI voxels of grey level i
 * with dependence j = 1 + the ROI neighbours within Chebyshev distance δ whose grey level differs by at most α.
 * One matrix per slice with ROI voxels (in-plane neighbours only) when `planar`, otherwise one 3D matrix.
 */
export function ngldmMatrices(
  roi: DiscretisedRoi,
  planar: boolean,
  options: NgldmOptions = {},
): CountMatrix[] {
  const delta = options.delta ?? 1;
  const alpha = options.alpha ?? 0;
  const grid = paddedLevels(roi, delta);
  const { values, voxels } = grid;
  const offsets = chebyshevOffsets(grid, delta, planar);
  const nOffsets = offsets.length;
  const rows = roi.levelCount + 1;
  const cells = rows * (nOffsets + 2);
  const nSlices = planar ? roi.dims[2] : 1;
  const dense = new Float64Array(nSlices * cells);
  const voxelCount = new Float64Array(nSlices);
  if (!planar && delta === 1 && alpha === 0) {
    volumeDependences(grid, rows, dense);
    voxelCount[0] = voxels.length;
  } else {
    for (let v = 0; v < voxels.length; v++) {
      const p = voxels[v] as number;
      const grey = values[p] as number;
      let j = 1;
      if (alpha === 0) {
        for (let o = 0; o < nOffsets; o++) {
          // Branch-free "equal": (d | −d) has its sign bit set exactly when d ≠ 0.
          const d = (values[p + (offsets[o] as number)] as number) - grey;
          j += 1 - ((d | -d) >>> 31);
        }
      } else {
        for (let o = 0; o < nOffsets; o++) {
          const q = values[p + (offsets[o] as number)] as number;
          j += q !== 0 && Math.abs(q - grey) <= alpha ? 1 : 0;
        }
      }
      const k = planar ? sliceOf(grid, p) : 0;
      const cell = k * cells + j * rows + grey;
      dense[cell] = (dense[cell] as number) + 1;
      voxelCount[k] = (voxelCount[k] as number) + 1;
    }
  }
  const out: CountMatrix[] = [];
  for (let k = 0; k < nSlices; k++) {
    const nv = voxelCount[k] as number;
    if (nv > 0)
      out.push(countMatrixFromDense(dense.subarray(k * cells, (k + 1) * cells), roi.levelCount, nv));
  }
  return out;
}

/**
 * The 3D NGLDM at δ = 1, α = 0 into `dense` (cell j·rows + level). Equality is symmetric, so each voxel
 * compares only its 13 later neighbours and credits a match to both: the earlier voxel's count is complete
 * when it is reached in box order. Half the reads of comparing all 26, with the same counts.
 */
function volumeDependences(grid: PaddedGrid, rows: number, dense: Float64Array): void {
  const { values, voxels, strideJ, strideK } = grid;
  const later = Int32Array.from(directions3D, ([di, dj, dk]) => Math.abs(di + dj * strideJ + dk * strideK));
  // Matches found so far per voxel: at most 26.
  const matches = new Uint8Array(values.length);
  for (let v = 0; v < voxels.length; v++) {
    const p = voxels[v]!;
    const grey = values[p]!;
    let count = matches[p]!;
    for (let o = 0; o < later.length; o++) {
      const q = p + later[o]!;
      const same = +(values[q] === grey);
      count += same;
      matches[q] = matches[q]! + same;
    }
    const cell = (count + 1) * rows + grey;
    dense[cell] = dense[cell]! + 1;
  }
}

/** NGLDM features (`ngl_*`) for the requested aggregations: 2D averaged over slices, 2.5D merged, 3D. */
export function ngldmFeatures(
  roi: DiscretisedRoi,
  dims: readonly Dimensionality[],
  options: NgldmOptions = {},
): Features {
  return aggregate(dims, {
    slices: () => ngldmMatrices(roi, true, options),
    volume: () => ngldmMatrices(roi, false, options)[0] ?? mergeCountMatrices([], roi.levelCount),
    merge: (ms) => mergeCountMatrices(ms, roi.levelCount),
    features: countMatrixFeatures,
    prefix: 'ngl',
    names: NGLDM_NAMES,
  });
}
