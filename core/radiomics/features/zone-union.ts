import { chebyshevOffsets, sliceOf, type PaddedGrid } from '../../imaging/grid/padded-grid';

/**
 * The zones of equal grey level (IBSI-1 3.8 and 3.9: 26-connected in 3D, 8-connected within slices in 2D)
 * as labelZones finds them, without the per-voxel labels the radiomics features never read. Union-find over
 * each voxel's already-visited half of the neighbourhood: half the neighbour reads of a flood fill, and no
 * stack. Trees always link to the smaller voxel index, so every zone's root is its first voxel in box order
 * and zones are numbered in the order labelZones numbers them.
 */
export interface ZoneList {
  /** Number of zones, numbered 1 … count (index 0 unused in the arrays below). */
  count: number;
  level: Int32Array;
  size: Int32Array;
  /** Box slice k of the zone's first voxel: the only slice of a planar zone. */
  slice: Int32Array;
  /** Per zone, the smallest value of the distance map passed in, if any. */
  minDistance?: Int32Array;
}

export function unionZones(grid: PaddedGrid, planar: boolean, distance?: Int32Array): ZoneList {
  const { values, voxels } = grid;
  // The neighbours before a voxel in box order: negative flat offsets (13 in 3D, 4 in 2D).
  const before = chebyshevOffsets(grid, 1, planar).filter((o) => o < 0);
  const nBefore = before.length;
  const parent = new Int32Array(values.length);
  for (let v = 0; v < voxels.length; v++) {
    const p = voxels[v]!;
    const grey = values[p]!;
    let root = p;
    parent[p] = p;
    // Which earlier neighbours share the level, without a branch per neighbour (the levels are noisy, so
    // such branches mispredict often); then only those are visited.
    let same = 0;
    for (let o = 0; o < nBefore; o++) same |= +(values[p + before[o]!] === grey) << o;
    while (same !== 0) {
      const o = 31 - Math.clz32(same);
      same ^= 1 << o;
      let q = p + before[o]!;
      // Find q's root, halving the path on the way.
      while (parent[q] !== q) {
        const up = parent[parent[q]!]!;
        parent[q] = up;
        q = up;
      }
      if (q === root) continue;
      if (q < root) {
        parent[root] = q;
        root = q;
      } else parent[q] = root;
    }
  }
  // Every voxel's parent precedes it in its zone, so one pass in box order replaces each parent by its
  // zone number, stored negated (a root starts a new zone).
  let capacity = Math.min(voxels.length + 1, 4096);
  let level = new Int32Array(capacity);
  let size = new Int32Array(capacity);
  let slice = new Int32Array(capacity);
  let minDistance = distance ? new Int32Array(capacity) : undefined;
  let count = 0;
  for (let v = 0; v < voxels.length; v++) {
    const p = voxels[v]!;
    const up = parent[p]!;
    let zone: number;
    if (up === p) {
      zone = ++count;
      if (zone === capacity) {
        capacity = Math.min(2 * capacity, voxels.length + 1);
        [level, size, slice] = [grown(level, capacity), grown(size, capacity), grown(slice, capacity)];
        if (minDistance) minDistance = grown(minDistance, capacity);
      }
      level[zone] = values[p]!;
      slice[zone] = sliceOf(grid, p);
      if (minDistance) minDistance[zone] = 0x7fffffff;
    } else zone = -parent[up]!;
    parent[p] = -zone;
    size[zone]!++;
    if (minDistance && distance![p]! < minDistance[zone]!) minDistance[zone] = distance![p]!;
  }
  const end = count + 1;
  return {
    count,
    level: level.subarray(0, end),
    size: size.subarray(0, end),
    slice: slice.subarray(0, end),
    ...(minDistance ? { minDistance: minDistance.subarray(0, end) } : {}),
  };
}

/** A copy of `a` with the given length. */
function grown(a: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}
