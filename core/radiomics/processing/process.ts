/**
 * The whole IBSI-1 processing chain before feature computation: interpolation (section 2.4),
 * re-segmentation (section 2.5), cut to the morphological mask's bounding box (section 3.1).
 */
import type { RoiImage } from '../types';
import { interpolateRoi, type InterpolationOptions } from './interpolate';
import { resegment, type ResegmentationOptions } from './resegment';
import { toRoiImage } from './roi-image';
import type { ImageGrid, MaskGrid } from '../../imaging/grid/types';

export interface ProcessingOptions {
  interpolation: InterpolationOptions;
  resegmentation: ResegmentationOptions;
  /** Image kept around the ROI's box, masks zero there: local intensity features read up to 6.2 mm out. */
  marginMm?: number;
}

export function processRoi(image: ImageGrid, mask: MaskGrid, options: ProcessingOptions): RoiImage {
  const marginMm = options.marginMm ?? 0;
  const roi = interpolateRoi(image, mask, { ...options.interpolation, region: 'roi', marginMm });
  const intensityMask = resegment(roi.intensity, roi.mask, options.resegmentation);
  return toRoiImage(roi, intensityMask, marginMm);
}
