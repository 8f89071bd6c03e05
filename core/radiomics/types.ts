import type { Vec3 } from '../imaging/volume';

/**
 * The region of interest after image processing (resampling, re-segmentation), cut to the bounding box of
 * the morphological mask. Arrays hold dims[0]·dims[1]·dims[2] values, i fastest, then j, then k; k is the
 * slice axis for the 2D and 2.5D aggregations (IBSI-1 section 3.1).
 */
export interface RoiImage {
  dims: Vec3;
  /** Voxel size along i, j, k in mm. */
  spacing: Vec3;
  /** Grey levels (HU, after any interpolation and rounding) over the whole box. */
  intensity: Float64Array;
  /** IBSI morphological mask: the ROI before re-segmentation; morphology uses it. */
  morphologicalMask: Uint8Array;
  /** IBSI intensity mask: the ROI after re-segmentation; intensity and texture features use it. */
  intensityMask: Uint8Array;
}

/**
 * Grey levels 0 … levelCount. Discretisation stores them as Uint16Array (a quarter of the float64 box) unless
 * more than 65,535 levels need Int32Array.
 */
export type GreyLevels = Uint16Array | Int32Array;

/** Grey levels after discretisation: 1 … levelCount inside the intensity mask, 0 outside it. */
export interface DiscretisedRoi {
  dims: Vec3;
  spacing: Vec3;
  levels: GreyLevels;
  /** Ng: the number of grey levels; the texture matrices have this many rows. */
  levelCount: number;
}

/**
 * Feature values keyed by the IBSI benchmark tag used in the IBSI reference tables and by MIRP and the
 * PyRadiomics IBSI benchmark: `morph_volume`, `stat_mean`, `cm_joint_max_3D_avg`, `szm_sze_2_5D`, ...
 * Texture suffixes: GLCM/GLRLM `_2D_avg` (2D averaged), `_2D_comb` (2D slice-merged), `_2_5D_avg`
 * (2.5D direction-merged), `_2_5D_comb` (2.5D merged), `_3D_avg` (3D averaged), `_3D_comb` (3D merged);
 * GLSZM/GLDZM/NGTDM/NGLDM `_2D`, `_2_5D`, `_3D`.
 */
export type Features = Record<string, number>;

/** Which aggregations to compute. The pipeline and PyRadiomics use 3D; IBSI configurations A and B need 2D/2.5D. */
export type Dimensionality = '2D' | '2_5D' | '3D';
