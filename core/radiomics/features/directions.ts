/**
 * The unique neighbour directions at Chebyshev distance 1 (IBSI-1 section 3.6): every offset [di, dj, dk]
 * with components in {-1, 0, 1}, one of each opposite pair. The texture families that count voxel pairs or
 * runs along a direction (GLCM, GLRLM) use them.
 */

/** An offset [di, dj, dk] in voxels along i, j, k. */
export type Direction = readonly [number, number, number];

/** The 4 in-plane directions (dk = 0) for the 2D and 2.5D aggregations; k is the slice axis. */
export const directions2D: readonly Direction[] = [
  [1, 0, 0],
  [0, 1, 0],
  [1, 1, 0],
  [1, -1, 0],
];

/** The 13 volumetric directions for the 3D aggregations: the 4 in-plane ones, then the 9 with dk = 1. */
export const directions3D: readonly Direction[] = [
  ...directions2D,
  [0, 0, 1],
  [1, 0, 1],
  [-1, 0, 1],
  [0, 1, 1],
  [0, -1, 1],
  [1, 1, 1],
  [1, -1, 1],
  [-1, 1, 1],
  [-1, -1, 1],
];
