import type { PaddedGrid } from '../../imaging/grid/padded-grid';

/**
 * For every ROI voxel of a grid padded by at least 1: the sum of the grey levels of its 26 neighbours and how
 * many of them lie in the ROI (level > 0), in the order of `grid.voxels`. The 3×3×3 box sums are separable:
 * 3-tap sums along i, then j, per slice, then across three slices held in a ring, about 10 operations per
 * voxel instead of 26 reads. All sums are integers, so they equal the neighbour-by-neighbour sums exactly.
 */
export function neighbourSums3D(grid: PaddedGrid): { sum: Int32Array; count: Int32Array } {
  const { values, voxels, nx, ny, strideK } = grid;
  // Up to 27 levels of at most 65,535 per voxel (callers keep to such levels): well within 32 bits.
  const sum = new Int32Array(voxels.length);
  const count = new Int32Array(voxels.length);
  const rowSum = new Int32Array(strideK);
  const rowCount = new Int32Array(strideK);
  // Per slice z, its 3×3 in-plane box sums, in ring slot z % 3.
  const planeSum = [new Int32Array(strideK), new Int32Array(strideK), new Int32Array(strideK)];
  const planeCount = [new Int32Array(strideK), new Int32Array(strideK), new Int32Array(strideK)];
  const planeOf = new Int32Array(3).fill(-1);
  const plane = (z: number): number => {
    const slot = z % 3;
    if (planeOf[slot] !== z) {
      boxSumsOfSlice(values, z * strideK, nx, ny, rowSum, rowCount, planeSum[slot]!, planeCount[slot]!);
      planeOf[slot] = z;
    }
    return slot;
  };
  for (let v = 0; v < voxels.length;) {
    const z = Math.floor(voxels[v]! / strideK);
    const [below, here, above] = [plane(z - 1), plane(z), plane(z + 1)];
    const end = (z + 1) * strideK;
    const base = z * strideK;
    const [s0, s1, s2] = [planeSum[below]!, planeSum[here]!, planeSum[above]!];
    const [c0, c1, c2] = [planeCount[below]!, planeCount[here]!, planeCount[above]!];
    for (; v < voxels.length && voxels[v]! < end; v++) {
      const p = voxels[v]!;
      const q = p - base;
      // The voxel itself is in its own box sum: taken off again (it is in the ROI, so it counts 1).
      sum[v] = s0[q]! + s1[q]! + s2[q]! - values[p]!;
      count[v] = c0[q]! + c1[q]! + c2[q]! - 1;
    }
  }
  return { sum, count };
}

/**
 * 3×3 box sums of the levels and of the ROI indicator over slice `from` … (in-plane interior positions only:
 * 1 ≤ i < nx − 1, 1 ≤ j < ny − 1, which holds every ROI voxel of a padded grid).
 */
function boxSumsOfSlice(
  values: ArrayLike<number>,
  from: number,
  nx: number,
  ny: number,
  rowSum: Int32Array,
  rowCount: Int32Array,
  outSum: Int32Array,
  outCount: Int32Array,
): void {
  for (let j = 0; j < ny; j++) {
    for (let i = 1, q = j * nx + 1; i < nx - 1; i++, q++) {
      const a = values[from + q - 1]!;
      const b = values[from + q]!;
      const c = values[from + q + 1]!;
      rowSum[q] = a + b + c;
      rowCount[q] = +(a > 0) + +(b > 0) + +(c > 0);
    }
  }
  for (let j = 1; j < ny - 1; j++) {
    for (let i = 1, q = j * nx + 1; i < nx - 1; i++, q++) {
      outSum[q] = rowSum[q - nx]! + rowSum[q]! + rowSum[q + nx]!;
      outCount[q] = rowCount[q - nx]! + rowCount[q]! + rowCount[q + nx]!;
    }
  }
}
