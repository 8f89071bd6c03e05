/**
 * The `RoiImage` the feature families work on: the interpolated image and both masks cut to the bounding
 * box of the morphological mask (IBSI-1 section 3.1: morphology uses the morphological mask, everything
 * else the intensity mask).
 */
import type { Vec3 } from '../../imaging/volume';
import type { RoiImage } from '../types';
import { marginVoxels } from './interpolate';
import { cropBox } from '../../imaging/grid/bounding-box';
import { maskExtent } from '../../imaging/grid/bounding-box';
import type { InterpolatedRoi } from './types';

/**
 * `marginMm` keeps that much of the image around the box, masks zero there (for local intensity). The result
 * may share the arrays of `roi` and `intensityMask`: the caller hands them over.
 */
export function toRoiImage(roi: InterpolatedRoi, intensityMask: Uint8Array, marginMm = 0): RoiImage {
  if (intensityMask.length !== roi.mask.length) {
    throw new RangeError(
      `intensity mask holds ${intensityMask.length} voxels, the ROI box ${roi.mask.length}`,
    );
  }
  const tight = maskExtent(roi.mask, roi.dims).box;
  if (tight === null) throw new RangeError('the ROI is empty after interpolation');
  const margin = marginVoxels(marginMm, roi.spacing);
  const start = tight.start.map((s, a) => Math.max(0, s - margin[a]!)) as Vec3;
  const end = tight.start.map((s, a) => Math.min(roi.dims[a]! - 1, s + tight.size[a]! - 1 + margin[a]!));
  const box = { start, size: end.map((e, a) => e - start[a]! + 1) as Vec3 };
  // Without resampling the interpolated box is already this box: its arrays are taken over, not copied.
  const whole = box.size.every((n, a) => n === roi.dims[a] && start[a] === 0);
  const crop = <T extends Float64Array | Uint8Array>(data: T): T =>
    whole ? data : cropBox(data, roi.dims, box);
  return {
    dims: box.size,
    spacing: [...roi.spacing],
    intensity: crop(roi.intensity),
    morphologicalMask: crop(roi.mask),
    intensityMask: crop(intensityMask),
  };
}
