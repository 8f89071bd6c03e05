/** IBSI-1 image processing: interpolation, re-segmentation, ROI extraction and discretisation. */
export { PARTIAL_VOLUME_THRESHOLD, OUTLIER_SIGMA } from './constants';
export { interpolateRoi, type InterpolationOptions } from './interpolate';
export { roundHalfEven } from './rounding';
export { resegment, maskedMeanSd, type IntensityRange, type ResegmentationOptions } from './resegment';
export { toRoiImage } from './roi-image';
export { processRoi, type ProcessingOptions } from './process';
export {
  binCentre,
  discretiseFixedBinNumber,
  discretiseFixedBinSize,
  fixedBinNumberLevels,
  fixedBinSizeLevels,
  maskedRange,
  type BinGrid,
  type Discretisation,
  type FixedBinSizeOptions,
} from './discretise';
export type { InterpolatedRoi } from './types';
