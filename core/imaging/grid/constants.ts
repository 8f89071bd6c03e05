/** Named settings of resampling on a voxel grid (IBSI-1 section 2.4; sections cited per constant). */

/**
 * Pole of the cubic B-spline prefilter, √3 − 2 (Unser 1999; the exact interpolating spline used by
 * scipy.ndimage.map_coordinates(order=3), with which MIRP produced the IBSI reference data, section 2.4).
 */
export const CUBIC_BSPLINE_POLE = Math.sqrt(3) - 2;

/** The cubic B-spline prefilter gain, (1 − z)(1 − 1/z) = 6 for z = √3 − 2. */
export const CUBIC_BSPLINE_GAIN = 6;

/** Taps of the interpolation kernels: nearest 1, linear 2, cubic B-spline 4 (IBSI-1 section 2.4). */
export const KERNEL_TAPS = { nearest: 1, linear: 2, cubic: 4 } as const;

/**
 * Relative tolerance under which two spacings count as equal (no resampling along that axis). NIfTI stores
 * spacings as float32, so 0.977 arrives as 0.9769999980926514.
 */
export const SPACING_EPSILON = 1e-6;
