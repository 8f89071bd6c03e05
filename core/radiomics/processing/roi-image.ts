/**
 * The `RoiImage` the feature families work on: the interpolated image and both masks cut to the bounding
 * box of the morphological mask (IBSI-1 section 3.1: morphology uses the morphological mask, everything
 * else the intensity mask).
 */
import type { Vec3 } from '../../imaging/volume';
import type { RoiImage } from '../types';
import { marginVoxels } from './interpolate';
import { cropBox, maskBoundingBox } from './bounding-box';
import type { InterpolatedRoi } from './types';

/** `marginMm` keeps that much of the image around the box, masks zero there (for local intensity). */
export function toRoiImage(roi: InterpolatedRoi, intensityMask: Uint8Array, marginMm = 0): RoiImage {
  if (intensityMask.length !== roi.mask.length) {
    throw new RangeError(
      `intensity mask holds ${intensityMask.length} voxels, the ROI box ${roi.mask.length}`,
    );
  }
  const tight = maskBoundingBox(roi.mask, roi.dims);
  if (tight === null) throw new RangeError('the ROI is empty after interpolation');
  const margin = marginVoxels(marginMm, roi.spacing);
  const start = tight.start.map((s, a) => Math.max(0, s - margin[a]!)) as Vec3;
  const end = tight.start.map((s, a) => Math.min(roi.dims[a]! - 1, s + tight.size[a]! - 1 + margin[a]!));
  const box = { start, size: end.map((e, a) => e - start[a]! + 1) as Vec3 };
  return {
    dims: box.size,
    spacing: [...roi.spacing],
    intensity: cropBox(roi.intensity, roi.dims, box),
    morphologicalMask: cropBox(roi.mask, roi.dims, box),
    intensityMask: cropBox(intensityMask, roi.dims, box),
  };
}
