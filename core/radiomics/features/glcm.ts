import type { Dimensionality, DiscretisedRoi, Features } from '../types';
import { glcmCountsVolume } from './directional-volume';
import { aggregateDirectionalTexture } from './glcm-glrlm-aggregation';
import { GLCM_FEATURE_NAMES, glcmCounts, glcmMatrixFeatures } from './glcm-matrix';

export { GLCM_FEATURE_NAMES, glcmCounts, glcmMatrixFeatures } from './glcm-matrix';
export type { GlcmFeatureName } from './glcm-matrix';

/**
 * IBSI-1 GLCM features (section 3.6, tags `cm_*`): symmetric matrices at Chebyshev distance 1 over voxel
 * pairs inside the ROI. '2D' gives `_2D_avg` and `_2D_comb`, '2_5D' gives `_2_5D_avg` and `_2_5D_comb`,
 * '3D' gives `_3D_avg` and `_3D_comb`; 25 features each.
 */
export function glcmFeatures(roi: DiscretisedRoi, dimensionality: readonly Dimensionality[]): Features {
  const ng = roi.levelCount;
  return aggregateDirectionalTexture(
    roi,
    {
      prefix: 'cm',
      names: GLCM_FEATURE_NAMES,
      size: ng * ng,
      accumulate: (direction, kStart, kEnd, out) => glcmCounts(roi, direction, kStart, kEnd, out),
      volumeMatrices: () => glcmCountsVolume(roi),
      features: (matrix) => glcmMatrixFeatures(matrix, ng),
    },
    dimensionality,
  );
}
