import type { Affine, Vec3 } from '../imaging/volume';
import { StepError } from '../pipeline/step-error';
import { maskExtent, type MaskExtent } from '../imaging/grid/bounding-box';

/**
 * Fewer voxels than a 3×3×3 cube leave texture matrices with a single entry or none, and several features
 * divide by zero: such a mask is refused with a reason instead of producing NaNs.
 */
export const MIN_ROI_VOXELS = 27;
/** Two grids are the same when every affine entry agrees to this many mm (float32 header rounding). */
const AFFINE_TOLERANCE_MM = 1e-3;

export interface MaskGrid {
  dims: Vec3;
  affine: Affine;
  data: Uint8Array;
}

/** Checks that a mask fits the image's grid and holds a usable region; returns its voxel count and box. */
export function checkMask(
  image: { dims: Vec3; affine: Affine },
  mask: MaskGrid,
  maskName = 'mask',
): MaskExtent {
  if (mask.dims.some((d, axis) => d !== image.dims[axis])) {
    throw new StepError(
      'MASK_GRID_MISMATCH',
      `${maskName} is ${mask.dims.join('×')} voxels, the image ${image.dims.join('×')}: the mask must be on the image's grid`,
    );
  }
  const worst = Math.max(...mask.affine.map((v, n) => Math.abs(v - image.affine[n]!)));
  if (!(worst <= AFFINE_TOLERANCE_MM)) {
    throw new StepError(
      'MASK_GRID_MISMATCH',
      `${maskName}'s voxel-to-world affine differs from the image's by up to ${worst.toPrecision(3)} mm: the mask must be on the image's grid`,
    );
  }
  const extent = maskExtent(mask.data, mask.dims);
  const count = extent.count;
  if (count === 0)
    throw new StepError('MASK_EMPTY', `${maskName} is empty: the segmentation found no pancreas`);
  if (count < MIN_ROI_VOXELS) {
    throw new StepError(
      'MASK_TOO_SMALL',
      `${maskName} holds ${count} voxel(s); radiomics needs at least ${MIN_ROI_VOXELS} (a 3×3×3 cube) to give defined features`,
    );
  }
  return extent;
}
