import type { Vec3 } from '../../imaging/volume';

/** Interpolators of IBSI-1 section 2.4. 'cubic' is the interpolating cubic B-spline (configuration E). */
export type InterpolationOrder = 'nearest' | 'linear' | 'cubic';

/** The typed arrays images and masks may come in. */
export type NumericArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** An image on a voxel grid, i fastest; a canonical `Volume` (int16 HU in `data`) is one. */
export interface ImageGrid {
  dims: Vec3;
  /** Voxel size along i, j, k in mm. */
  spacing: Vec3;
  data: NumericArray;
}

/** A 0/1 mask on the image's grid (same dims, same voxel order). */
export interface MaskGrid {
  dims: Vec3;
  data: NumericArray;
}

/** A box of voxels: start index (inclusive) and size along i, j, k. */
export interface Box {
  start: Vec3;
  size: Vec3;
}
