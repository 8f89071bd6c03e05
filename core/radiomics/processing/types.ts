import type { Vec3 } from '../../imaging/volume';

/**
 * The image and morphological mask after interpolation, on a box of the new grid. `gridDims` is the size
 * of the whole interpolated image (the IBSI diagnostics `img_dim_*_interp_img`); the box starts at
 * `offset` in that grid and holds every voxel of the interpolated ROI.
 */
export interface InterpolatedRoi {
  gridDims: Vec3;
  spacing: Vec3;
  offset: Vec3;
  dims: Vec3;
  intensity: Float64Array;
  /** The morphological mask after interpolation and the partial-volume threshold. */
  mask: Uint8Array;
}
