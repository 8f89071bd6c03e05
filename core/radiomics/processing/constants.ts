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
 * Pole of the cubic B-spline prefilter, √3 − 2 (Unser 1999; the exact interpolating spline used by
 * scipy.ndimage.map_coordinates(order=3), with which MIRP produced the IBSI reference data, section 2.4).
 */
export const CUBIC_BSPLINE_POLE = Math.sqrt(3) - 2;

/** The cubic B-spline prefilter gain, (1 − z)(1 − 1/z) = 6 for z = √3 − 2. */
export const CUBIC_BSPLINE_GAIN = 6;

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

/** Taps of the interpolation kernels: nearest 1, linear 2, cubic B-spline 4 (IBSI-1 section 2.4). */
export const KERNEL_TAPS = { nearest: 1, linear: 2, cubic: 4 } as const;

/**
 * Relative tolerance under which two spacings count as equal (no resampling along that axis). NIfTI stores
 * spacings as float32, so 0.977 arrives as 0.9769999980926514.
 */
export const SPACING_EPSILON = 1e-6;
