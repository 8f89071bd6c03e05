import type { PaddedGrid } from './padded-grid';
import { chebyshevOffsets, sliceOf } from './padded-grid';

/**
 * Connected zones of equal grey level (IBSI-1 3.8, GLSZM; 3.9, GLDZM): voxels are linked when they are
 * neighbours within Chebyshev distance 1 and share a grey level, i.e. 26-connectivity in 3D and 8-connectivity
 * within a slice in 2D. Planar zones never cross slices, so one labelling of the whole box serves every slice.
 */
export interface ZoneMap {
  /** Number of zones; zones are numbered 1 … count in the order their first voxel appears (i fastest). */
  count: number;
  /** Per zone (index 1 … count; index 0 unused): grey level, size in voxels and box slice k of its voxels. */
  level: Int32Array;
  size: Int32Array;
  /** Slice of the zone's first voxel; the only slice of a planar zone. */
  slice: Int32Array;
  /** Zone number of each padded-grid voxel; 0 outside the ROI. */
  labels: Int32Array;
  /** Per zone, the smallest value of the distance map passed to labelZones, if any. */
  minDistance?: Int32Array;
}

/**
 * Labels the zones of `grid` (its padding must be at least 1) by iterative flood fill with one preallocated
 * stack. With `distance` (a map over the same padded grid), also returns each zone's smallest distance.
 */
export function labelZones(grid: PaddedGrid, planar: boolean, distance?: Int32Array): ZoneMap {
  const { values, voxels } = grid;
  const offsets = chebyshevOffsets(grid, 1, planar);
  const nOffsets = offsets.length;
  // Unvisited ROI voxels hold their grey level in `work`, visited ones 0: one load tests "same zone, not yet
  // seen" (a 16-bit copy of the grid for 16-bit levels). The stack and the per-zone arrays grow on demand:
  // zones are far fewer, and mostly far smaller, than the ROI.
  const work = values.slice();
  const labels = new Int32Array(values.length);
  let stack = new Int32Array(Math.min(voxels.length, 4096));
  let capacity = Math.min(voxels.length + 1, 4096);
  let level = new Int32Array(capacity);
  let size = new Int32Array(capacity);
  let slice = new Int32Array(capacity);
  let minDistance = distance ? new Int32Array(capacity) : undefined;
  let count = 0;
  for (let v = 0; v < voxels.length; v++) {
    const seed = voxels[v] as number;
    const grey = work[seed] as number;
    if (grey === 0) continue;
    const zone = ++count;
    work[seed] = 0;
    labels[seed] = zone;
    stack[0] = seed;
    let top = 1;
    let voxelsInZone = 0;
    let nearest = 0x7fffffff;
    while (top > 0) {
      const p = stack[--top] as number;
      voxelsInZone++;
      if (distance && (distance[p] as number) < nearest) nearest = distance[p] as number;
      for (let o = 0; o < nOffsets; o++) {
        const q = p + (offsets[o] as number);
        if (work[q] === grey) {
          work[q] = 0;
          labels[q] = zone;
          if (top === stack.length) stack = grown(stack, voxels.length);
          stack[top++] = q;
        }
      }
    }
    if (zone === capacity) {
      capacity = Math.min(2 * capacity, voxels.length + 1);
      [level, size, slice] = [grown(level, capacity), grown(size, capacity), grown(slice, capacity)];
      if (minDistance) minDistance = grown(minDistance, capacity);
    }
    level[zone] = grey;
    size[zone] = voxelsInZone;
    slice[zone] = sliceOf(grid, seed);
    if (minDistance) minDistance[zone] = nearest;
  }
  const end = count + 1;
  return {
    count,
    level: level.subarray(0, end),
    size: size.subarray(0, end),
    slice: slice.subarray(0, end),
    labels,
    ...(minDistance ? { minDistance: minDistance.subarray(0, end) } : {}),
  };
}

/** A copy of `a` with twice its length, at most `limit`. */
function grown(a: Int32Array, limit: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.min(2 * a.length, limit));
  b.set(a);
  return b;
}

/**
 * IBSI-1 3.9 distance to the ROI edge over a padded grid of a mask (non-zero inside): the Manhattan (taxicab)
 * distance to the nearest voxel outside the mask, the padding included, so voxels on the edge have distance 1.
 * This equals the count of iterative erosions with the 6-connected (3D) or 4-connected in-plane (2D) structuring
 * element. Two raster passes of the city-block chamfer compute it exactly. Returns 0 outside the mask.
 * `inside`, a 0/1 mask of the unpadded box, adds its voxels to the mask (GLDZM: the morphological mask
 * besides the grey levels) without a padded copy of it.
 */
export function edgeDistanceMap(grid: PaddedGrid, planar: boolean, inside?: Uint8Array): Int32Array {
  const { values, nx, ny, nz, strideJ, strideK, pad } = grid;
  if (pad < 1) throw new Error('edgeDistanceMap: the grid needs a padding of at least 1');
  const far = nx + ny + nz;
  const dist = new Int32Array(values.length);
  for (let p = 0; p < values.length; p++) if (values[p] !== 0) dist[p] = far;
  if (inside) {
    const [dx, dy, dz] = grid.dims;
    for (let k = 0, n = 0; k < dz; k++) {
      for (let j = 0; j < dy; j++) {
        const row = pad + (j + pad) * strideJ + (k + pad) * strideK;
        for (let i = 0; i < dx; i++, n++) if (inside[n] !== 0) dist[row + i] = far;
      }
    }
  }
  const dk = planar ? 0 : strideK;
  for (let k = pad; k < nz - pad; k++) {
    for (let j = pad; j < ny - pad; j++) {
      let p = pad + j * strideJ + k * strideK;
      for (let i = pad; i < nx - pad; i++, p++) {
        let d = dist[p] as number;
        if (d === 0) continue;
        d = Math.min(d, (dist[p - 1] as number) + 1, (dist[p - strideJ] as number) + 1);
        if (dk !== 0) d = Math.min(d, (dist[p - dk] as number) + 1);
        dist[p] = d;
      }
    }
  }
  for (let k = nz - pad - 1; k >= pad; k--) {
    for (let j = ny - pad - 1; j >= pad; j--) {
      let p = nx - pad - 1 + j * strideJ + k * strideK;
      for (let i = nx - pad - 1; i >= pad; i--, p--) {
        let d = dist[p] as number;
        if (d === 0) continue;
        d = Math.min(d, (dist[p + 1] as number) + 1, (dist[p + strideJ] as number) + 1);
        if (dk !== 0) d = Math.min(d, (dist[p + dk] as number) + 1);
        dist[p] = d;
      }
    }
  }
  return dist;
}
