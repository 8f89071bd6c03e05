/** Named settings of the IBSI-1 image processing chain (IBSI-1 chapter 2; sections cited per constant). */

/**
 * Partial-volume threshold for interpolated masks: a voxel of the resampled ROI belongs to the ROI when the
 * (tri)linearly interpolated 0/1 mask is at least this (IBSI-1 section 2.4, "ROI interpolation"; every CT
 * phantom configuration uses 0.5, IBSI-1 section 5.2).
 */
export const PARTIAL_VOLUME_THRESHOLD = 0.5;

/** Outlier filtering keeps intensities within mean ± this many standard deviations (IBSI-1 section 2.5). */
export const OUTLIER_SIGMA = 3;

/**
 * Voxels of edge-replicated padding beyond each image border before the B-spline prefilter (mirror boundary
 * on the padded line). scipy.ndimage pads exactly 12 for mode 'nearest'; matching it reproduces the IBSI
 * configuration E reference (section 2.4: "extrapolation by nearest neighbour").
 */
export const SPLINE_EDGE_PADDING = 12;

/**
 * Extra input voxels kept around a cropped region before the B-spline prefilter. The prefilter's influence
 * decays as |z|^d; |z|^12 ≈ 1.4e-7, so a cropped region interpolates like the whole image to ~1e-4 HU.
 */
export const SPLINE_CROP_MARGIN = 12;
