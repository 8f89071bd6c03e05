import type { Vec3 } from '../volume';

/** What a padded grid holds: grey levels or labels (an 8-bit source is widened to 16 bits). */
export type GridValues = Uint16Array | Int32Array;

/**
 * A box copied into a larger box with `pad` voxels of 0 on every side, so that neighbourhood loops can add a
 * precomputed flat offset to a voxel index without bounds checks: every neighbour of an interior voxel within
 * Chebyshev distance `pad` exists, and the padding reads as "outside the ROI".
 */
export interface PaddedGrid {
  /** The unpadded box. */
  dims: Vec3;
  pad: number;
  /** Padded sizes along i, j, k. */
  nx: number;
  ny: number;
  nz: number;
  /** Flat strides of the padded box: 1 along i, nx along j, nx·ny along k. */
  strideJ: number;
  strideK: number;
  /**
   * The values over the padded box (grey levels; 0 outside the ROI and in the padding): Uint16Array for
   * 16-bit or 8-bit sources, Int32Array for Int32Array ones.
   */
  values: GridValues;
  /** Padded indices of the voxels with a non-zero value, in box order (i fastest). */
  voxels: Int32Array;
}

export function padGrid(source: GridValues | Uint8Array, dims: Vec3, pad: number): PaddedGrid {
  const [dx, dy, dz] = dims;
  if (source.length !== dx * dy * dz) {
    throw new Error(`padGrid: ${source.length} values for a ${dx}x${dy}x${dz} box`);
  }
  const nx = dx + 2 * pad;
  const ny = dy + 2 * pad;
  const nz = dz + 2 * pad;
  const strideJ = nx;
  const strideK = nx * ny;
  const size = nx * ny * nz;
  const values = source instanceof Int32Array ? new Int32Array(size) : new Uint16Array(size);
  let inRoi = 0;
  for (let n = 0; n < source.length; n++) inRoi += source[n] === 0 ? 0 : 1;
  const voxels = new Int32Array(inRoi);
  for (let k = 0, n = 0, v = 0; k < dz; k++) {
    for (let j = 0; j < dy; j++, n += dx) {
      const row = pad + (j + pad) * strideJ + (k + pad) * strideK;
      values.set(source.subarray(n, n + dx), row);
      for (let p = row; p < row + dx; p++) if (values[p] !== 0) voxels[v++] = p;
    }
  }
  return { dims, pad, nx, ny, nz, strideJ, strideK, values, voxels };
}

/** Padded index of box voxel (i, j, k). */
export function paddedIndex(grid: PaddedGrid, i: number, j: number, k: number): number {
  const { pad } = grid;
  return i + pad + (j + pad) * grid.strideJ + (k + pad) * grid.strideK;
}

/** Box slice index k of a padded index. */
export function sliceOf(grid: PaddedGrid, p: number): number {
  return Math.floor(p / grid.strideK) - grid.pad;
}

/**
 * Flat offsets of all neighbours within Chebyshev distance `delta` (the centre excluded): 26 in 3D and 8 in
 * 2D (in-plane, k fixed) for delta 1. `delta` must not exceed the grid's padding.
 */
export function chebyshevOffsets(grid: PaddedGrid, delta: number, planar: boolean): Int32Array {
  if (!Number.isInteger(delta) || delta < 1 || delta > grid.pad) {
    throw new Error(`chebyshevOffsets: delta ${delta} must be an integer in 1..${grid.pad}`);
  }
  const out: number[] = [];
  const dzMax = planar ? 0 : delta;
  for (let dk = -dzMax; dk <= dzMax; dk++) {
    for (let dj = -delta; dj <= delta; dj++) {
      for (let di = -delta; di <= delta; di++) {
        if (di !== 0 || dj !== 0 || dk !== 0) out.push(di + dj * grid.strideJ + dk * grid.strideK);
      }
    }
  }
  return Int32Array.from(out);
}
