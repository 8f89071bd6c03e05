import type { PaddedGrid } from '../../imaging/grid/padded-grid';
import type { DiscretisedRoi } from '../types';
import { directions3D, type Direction } from './directions';
import { paddedLevels } from './padded-levels';

/**
 * Whole-volume (3D) GLCM and GLRLM counts for all 13 directions from the ROI's voxel list on the zero-padded
 * grid: a neighbour outside the box reads 0 like one outside the ROI, so the loops need no bounds checks
 * and only visit ROI voxels. Counts are integers, so the matrices equal those of glcmCounts and glrlmCounts
 * exactly.
 */

/** Beyond this many count cells the per-direction loops are used instead (e.g. FBN with 1000 bins). */
const MAX_COUNT_CELLS = 1 << 22;

/** Flat offset of a direction on the padded grid. */
function offsetOf(grid: PaddedGrid, [di, dj, dk]: Direction): number {
  return di + dj * grid.strideJ + dk * grid.strideK;
}

/**
 * The 13 symmetric co-occurrence matrices (Ng×Ng, row = level − 1) in directions3D order, or null when the
 * grey levels are too many for one pass. Each ROI voxel v adds (level(v), level(v + d)) to an
 * (Ng+1)×(Ng+1) table per direction; row and column 0 (a neighbour outside the ROI) are dropped and the
 * table is added to its transpose, which counts each pair as (a, b) and as (b, a).
 */
export function glcmCountsVolume(roi: DiscretisedRoi): Float64Array[] | null {
  const ng = roi.levelCount;
  const rows = ng + 1;
  const cells = rows * rows;
  if (cells * directions3D.length > MAX_COUNT_CELLS) return null;
  const grid = paddedLevels(roi, 1);
  const { values, voxels } = grid;
  const offsets = Int32Array.from(directions3D, (d) => offsetOf(grid, d));
  const tables = new Int32Array(cells * offsets.length);
  // Row spans rather than the voxel list: consecutive indices, one load fewer per pair, about 30 % faster.
  // A voxel outside the ROI within a span adds to row 0, which is dropped.
  const spans = roiRowSpans(voxels, grid.nx, grid.ny * grid.nz);
  for (let d = 0; d < offsets.length; d++) {
    const offset = offsets[d]!;
    const base = d * cells;
    for (let s = 0; s < spans.length; s += 2) {
      for (let p = spans[s]!, last = spans[s + 1]!; p <= last; p++) {
        tables[base + values[p]! * rows + values[p + offset]!]!++;
      }
    }
  }
  return Array.from(offsets, (_, d) => {
    const table = tables.subarray(d * cells, (d + 1) * cells);
    const out = new Float64Array(ng * ng);
    for (let a = 1; a <= ng; a++) {
      for (let b = 1; b <= ng; b++) out[(a - 1) * ng + b - 1] = table[a * rows + b]! + table[b * rows + a]!;
    }
    return out;
  });
}

/**
 * The 13 run length matrices (Ng×Nr, row = level − 1, column = run length − 1) in directions3D order, or
 * null when they are too large for one pass. Runs along d and along −d are the same runs, so each direction
 * is walked with a positive flat offset, in increasing voxel order: a voxel's position in its run is its
 * predecessor's plus one when the predecessor has the same level, else 1. A run of length L has one voxel
 * at each position 1 … L, so the runs of length exactly L are the voxels at position L less those at L + 1.
 */
export function glrlmCountsVolume(roi: DiscretisedRoi, maxRunLength: number): Float64Array[] | null {
  const ng = roi.levelCount;
  const nr = maxRunLength;
  const width = nr + 2;
  const cells = (ng + 1) * width;
  // Positions are 16-bit (half the memory traffic of 32-bit ones, ~20 % faster): runs up to 65,534 voxels.
  if (cells * directions3D.length > MAX_COUNT_CELLS || nr >= 0xffff) return null;
  const grid = paddedLevels(roi, 1);
  const { values, voxels } = grid;
  const position = new Uint16Array(values.length);
  const atPosition = new Int32Array(cells);
  return directions3D.map((direction) => {
    const forward = offsetOf(grid, direction);
    const offset = forward < 0 ? -forward : forward;
    atPosition.fill(0);
    for (let v = 0; v < voxels.length; v++) {
      const p = voxels[v]!;
      const grey = values[p]!;
      // Branch-free: runs are short and irregular, a branch on "same level" mispredicts often.
      const same = +(values[p - offset] === grey);
      const at = same * position[p - offset]! + 1;
      position[p] = at;
      atPosition[grey * width + at]!++;
    }
    const out = new Float64Array(ng * nr);
    for (let g = 1; g <= ng; g++) {
      const row = g * width;
      for (let length = 1; length <= nr; length++) {
        out[(g - 1) * nr + length - 1] = atPosition[row + length]! - atPosition[row + length + 1]!;
      }
    }
    return out;
  });
}

/** [first, last] padded index of the ROI voxels of each grid row that has any, from the sorted voxel list. */
function roiRowSpans(voxels: Int32Array, rowLength: number, rowCount: number): Int32Array {
  const spans = new Int32Array(2 * Math.min(voxels.length, rowCount));
  let n = 0;
  for (let v = 0; v < voxels.length;) {
    const first = voxels[v]!;
    const rowEnd = first - (first % rowLength) + rowLength;
    let last = first;
    while (v < voxels.length && voxels[v]! < rowEnd) last = voxels[v++]!;
    spans[n++] = first;
    spans[n++] = last;
  }
  return spans.subarray(0, n);
}
