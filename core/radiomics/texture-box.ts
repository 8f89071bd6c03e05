import { cropBox } from '../imaging/grid/bounding-box';
import { maskExtent } from '../imaging/grid/bounding-box';
import type { DiscretisedRoi, RoiImage } from './types';

/**
 * The grey levels and morphological mask cut to the morphological mask's bounding box, for the texture
 * families. The RoiImage keeps a margin around that box for the local intensity features (about 6 mm, a
 * 120×80×40 box becomes 136×96×46); outside the ROI the levels are 0, which the texture families read as
 * "outside" exactly as they read their own zero padding, so no texture value changes, while their grids and
 * scratch arrays shrink by the margin (a third of the voxels there). Without a margin nothing is copied.
 */
export function textureBox(
  roi: RoiImage,
  levels: DiscretisedRoi,
): { levels: DiscretisedRoi; morphologicalMask: Uint8Array } {
  const box = maskExtent(roi.morphologicalMask, roi.dims).box;
  const whole = box === null || box.size.every((n, axis) => n === roi.dims[axis]);
  if (whole) return { levels, morphologicalMask: roi.morphologicalMask };
  return {
    levels: { ...levels, dims: box.size, levels: cropBox(levels.levels, levels.dims, box) },
    morphologicalMask: cropBox(roi.morphologicalMask, roi.dims, box),
  };
}
