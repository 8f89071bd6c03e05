import { glcmCountsVolume } from './features/directional-volume';
import { aggregateDirectionalTexture } from './features/glcm-glrlm-aggregation';
import { GLCM_FEATURE_NAMES, glcmCounts, glcmMatrixFeatures } from './features/glcm-matrix';
import { glcmMaximalCorrelation } from './features/glcm-mcc';
import { glrlmFeatures } from './features/glrlm';
import { glszmFeatures } from './features/glszm';
import { intensityHistogramFeatures } from './features/histogram';
import { meshVertexLines } from './features/mesh-vertices';
import { padMask } from './features/morph-mesh';
import { planarDiameters } from './features/morph-planar-diameters';
import { morphologyFeatures } from './features/morphology';
import { ngldmFeatures } from './features/ngldm';
import { NGTDM_NAMES, ngtdmFeatures } from './features/ngtdm';
import { intensityStatistics } from './features/statistics';
import { PYRADIOMICS_CLASSES } from './pyradiomics-names';
import type { DiscretisedRoi, Features, RoiImage } from './types';

type Timed = <T>(family: string, run: () => T) => T;

/**
 * PyRadiomics' (v3) 107 default features (names in pyradiomics-names.ts) from the processed ROI and its
 * discretised grey levels. Where PyRadiomics' definition is IBSI's under its settings (3D texture matrices
 * at distance 1, features per direction averaged, GLSZM 26-connected, GLDM = NGLDM with α = 0, δ = 1) the
 * engine's IBSI families give the value; PyRadiomics' own conventions are applied on top:
 * - Kurtosis is not excess kurtosis (IBSI + 3), and 0 for a flat region;
 * - TotalEnergy = Energy × voxel volume;
 * - axis lengths come from the population covariance of the voxel centres (divisor N, IBSI: N − 1);
 * - the maximum 2D diameters per slice, column and row plane;
 * - the GLCM maximal correlation coefficient, with the ROI's absent grey levels removed first;
 * - the NGTDM counts voxels without ROI neighbours in n_i.
 * PyRadiomics' ε in log2(p + ε) changes no value beyond 1e-15 relative (p = 0 terms are 0 either way) and
 * is not added; its division-by-zero fallbacks (Correlation 1, Imc1 0, Coarseness 10⁶, …) are IBSI's.
 */
export function pyradiomicsFeatures(roi: RoiImage, levels: DiscretisedRoi, timed: Timed): Features {
  const values: Features = {
    ...timed('shape', () => shapeValues(roi)),
    ...timed('firstorder', () => firstOrderValues(roi, levels)),
    ...timed('glcm', () => glcmValues(levels)),
    ...timed('gldm', () => ngldmFeatures(levels, ['3D'])),
    ...timed('glrlm', () => glrlmFeatures(levels, ['3D'])),
    ...timed('glszm', () => glszmFeatures(levels, ['3D'])),
    ...timed('ngtdm', () => ngtdmValues(levels)),
  };
  const out: Features = {};
  for (const [family, features] of Object.entries(PYRADIOMICS_CLASSES)) {
    for (const [name, source] of Object.entries(features))
      out[`original_${family}_${name}`] = values[source]!;
  }
  return out;
}

function shapeValues(roi: RoiImage): Features {
  const padded = padMask(roi.morphologicalMask, roi.dims);
  const lines = meshVertexLines(padded);
  const morph = morphologyFeatures(roi, { skipAutocorrelation: true, mesh: { padded, lines } });
  const n = countSet(roi.morphologicalMask);
  // IBSI's PCA divides the co-moments by N − 1, PyRadiomics' by N: λ scales by (N − 1)/N.
  const scale = Math.sqrt(Math.max(0, n - 1) / n);
  const planes = planarDiameters(lines, roi.spacing);
  return {
    ...morph,
    py_major_axis: morph.morph_pca_maj_axis! * scale,
    py_minor_axis: morph.morph_pca_min_axis! * scale,
    py_least_axis: morph.morph_pca_least_axis! * scale,
    py_diameter_slice: planes.slice,
    py_diameter_column: planes.column,
    py_diameter_row: planes.row,
  };
}

function firstOrderValues(roi: RoiImage, levels: DiscretisedRoi): Features {
  const stats = intensityStatistics(roi);
  const [sx, sy, sz] = roi.spacing;
  return {
    ...stats,
    ...intensityHistogramFeatures(levels),
    py_total_energy: stats.stat_energy! * sx * sy * sz,
    // IBSI's excess kurtosis is m4/m2² − 3; PyRadiomics reports m4/m2², and 0 (not 3) for a flat region.
    py_kurtosis: stats.stat_var === 0 ? 0 : stats.stat_kurt! + 3,
  };
}

/** IBSI GLCM features per direction, averaged (`_3D_avg`), with the maximal correlation coefficient added. */
function glcmValues(levels: DiscretisedRoi): Features {
  const ng = levels.levelCount;
  const present = presentLevelCount(levels);
  const names = [...GLCM_FEATURE_NAMES, 'mcc'] as const;
  const features = aggregateDirectionalTexture(
    levels,
    {
      prefix: 'cm',
      names,
      size: ng * ng,
      accumulate: (direction, kStart, kEnd, out) => glcmCounts(levels, direction, kStart, kEnd, out),
      volumeMatrices: () => glcmCountsVolume(levels),
      features: (matrix) => {
        const ibsi = glcmMatrixFeatures(matrix, ng);
        return ibsi && { ...ibsi, mcc: glcmMaximalCorrelation(matrix, ng, present) };
      },
    },
    ['3D'],
  );
  return { ...features, py_mcc: features.cm_mcc_3D_avg! };
}

function ngtdmValues(levels: DiscretisedRoi): Features {
  const ngtdm = ngtdmFeatures(levels, ['3D'], { countIsolatedVoxels: true });
  return Object.fromEntries(NGTDM_NAMES.map((name) => [`py_ngt_${name}`, ngtdm[`ngt_${name}_3D`]!]));
}

/** The number of distinct grey levels in the ROI. */
function presentLevelCount(levels: DiscretisedRoi): number {
  const seen = new Uint8Array(levels.levelCount + 1);
  for (let p = 0; p < levels.levels.length; p++) seen[levels.levels[p]!] = 1;
  let n = 0;
  for (let g = 1; g <= levels.levelCount; g++) n += seen[g]!;
  return n;
}

/** Set voxels of a mask; a leaf, so that its optimised loop outlives deoptimisations of its callers. */
function countSet(mask: Uint8Array): number {
  let n = 0;
  for (let p = 0; p < mask.length; p++) n += mask[p] === 0 ? 0 : 1;
  return n;
}
