import type { Dimensionality, DiscretisedRoi, Features } from '../types';
import { glrlmCountsVolume } from './directional-volume';
import { aggregateDirectionalTexture } from './glcm-glrlm-aggregation';
import { GLRLM_FEATURE_NAMES, glrlmCounts, glrlmMatrixFeatures, glrlmMaxRunLength } from './glrlm-matrix';

export { GLRLM_FEATURE_NAMES, glrlmCounts, glrlmMatrixFeatures, glrlmMaxRunLength } from './glrlm-matrix';
export type { GlrlmFeatureName } from './glrlm-matrix';

/**
 * IBSI-1 GLRLM features (section 3.7, tags `rlm_*`): runs of equal grey level along each direction inside
 * the ROI. '2D' gives `_2D_avg` and `_2D_comb`, '2_5D' gives `_2_5D_avg` and `_2_5D_comb`, '3D' gives
 * `_3D_avg` and `_3D_comb`; 16 features each. Merged matrices count the voxels of every merged matrix in the
 * run percentage, as IBSI prescribes.
 */
export function glrlmFeatures(roi: DiscretisedRoi, dimensionality: readonly Dimensionality[]): Features {
  const ng = roi.levelCount;
  const nr = glrlmMaxRunLength(roi.dims);
  return aggregateDirectionalTexture(
    roi,
    {
      prefix: 'rlm',
      names: GLRLM_FEATURE_NAMES,
      size: ng * nr,
      accumulate: (direction, kStart, kEnd, out) => glrlmCounts(roi, direction, kStart, kEnd, nr, out),
      volumeMatrices: () => glrlmCountsVolume(roi, nr),
      features: (matrix, nVoxels) => glrlmMatrixFeatures(matrix, ng, nr, nVoxels),
    },
    dimensionality,
  );
}
