/**
 * Intensity discretisation (IBSI-1 section 2.7) of the voxels in the intensity mask:
 * - fixed bin number (FBN): X_d = ⌊Ng·(X − X_min)/(X_max − X_min)⌋ + 1, and X_d = Ng for X = X_max, with
 *   X_min, X_max the ROI's extremes;
 * - fixed bin size (FBS): X_d = ⌊(X − X_b)/w_b⌋ + 1. IBSI sets X_b to the lower re-segmentation bound when
 *   there is one, else the ROI minimum ('ibsi'); PyRadiomics anchors the bin edges at multiples of w_b,
 *   X_b = ⌊X_min/w_b⌋·w_b ('pyradiomics').
 * A value on a bin edge X_b + k·w_b belongs to the bin above it (numpy.digitize, as PyRadiomics).
 */
import type { DiscretisedRoi, GreyLevels, RoiImage } from '../types';

/** Level ℓ covers intensities [lower + (ℓ − 1)·width, lower + ℓ·width). */
export interface BinGrid {
  lower: number;
  width: number;
}

export type Discretisation = DiscretisedRoi & { bins: BinGrid };

/** A level array for levels up to `maxLevel`: 16 bits where they fit. */
function levelArray(length: number, maxLevel: number): GreyLevels {
  return maxLevel <= 0xffff ? new Uint16Array(length) : new Int32Array(length);
}

/** The masked intensities' extremes; NaN for an empty mask. */
export function maskedRange(intensity: Float64Array, mask: Uint8Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < intensity.length; p++) {
    if (mask[p] === 0) continue;
    const v = intensity[p]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min > max ? { min: NaN, max: NaN } : { min, max };
}

/** FBN levels 1 … binCount inside `mask`, 0 outside. */
export function fixedBinNumberLevels(
  intensity: Float64Array,
  mask: Uint8Array,
  binCount: number,
): { levels: GreyLevels; bins: BinGrid } {
  if (!Number.isInteger(binCount) || binCount < 1) throw new RangeError(`bin count ${binCount} is not ≥ 1`);
  const { min, max } = maskedRange(intensity, mask);
  const levels = levelArray(intensity.length, binCount);
  const span = max - min;
  for (let p = 0; p < intensity.length; p++) {
    if (mask[p] === 0) continue;
    const v = intensity[p]!;
    levels[p] = span > 0 && v < max ? Math.floor((binCount * (v - min)) / span) + 1 : span > 0 ? binCount : 1;
  }
  return { levels, bins: { lower: min, width: span / binCount } };
}

/** Python's float modulo (the sign of the divisor), which PyRadiomics uses to place its first edge. */
function pythonModulo(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

export interface FixedBinSizeOptions {
  /** 'ibsi' (default): bins from `lower`, else from the ROI minimum. 'pyradiomics': edges at k·width. */
  anchor?: 'ibsi' | 'pyradiomics';
  /** The lower re-segmentation bound, for the 'ibsi' anchor. */
  lower?: number | null;
}

/** FBS levels 1 … inside `mask`, 0 outside. Throws when a masked value lies below the first bin. */
export function fixedBinSizeLevels(
  intensity: Float64Array,
  mask: Uint8Array,
  width: number,
  options: FixedBinSizeOptions = {},
): { levels: GreyLevels; bins: BinGrid; levelCount: number } {
  if (!(width > 0)) throw new RangeError(`bin width ${width} is not > 0`);
  const { min, max } = maskedRange(intensity, mask);
  const lower = options.anchor === 'pyradiomics' ? min - pythonModulo(min, width) : (options.lower ?? min);
  // One spare level for a quotient rounded up across the top edge (corrected below).
  const levels = levelArray(intensity.length, Math.floor((max - lower) / width) + 2);
  let levelCount = 0;
  for (let p = 0; p < intensity.length; p++) {
    if (mask[p] === 0) continue;
    const v = intensity[p]!;
    let k = Math.floor((v - lower) / width);
    // Edges are lower + k·width exactly as computed here; correct a quotient rounded across an edge.
    if (lower + k * width > v) k--;
    else if (lower + (k + 1) * width <= v) k++;
    if (k < 0) throw new RangeError(`intensity ${v} lies below the first bin edge ${lower}`);
    levels[p] = k + 1;
    if (k + 1 > levelCount) levelCount = k + 1;
  }
  return { levels, bins: { lower, width }, levelCount };
}

export function discretiseFixedBinNumber(roi: RoiImage, binCount: number): Discretisation {
  const { levels, bins } = fixedBinNumberLevels(roi.intensity, roi.intensityMask, binCount);
  return { dims: [...roi.dims], spacing: [...roi.spacing], levels, levelCount: binCount, bins };
}

/** FBS; levelCount is the highest level present in the ROI. */
export function discretiseFixedBinSize(
  roi: RoiImage,
  width: number,
  options: FixedBinSizeOptions = {},
): Discretisation {
  const { levels, bins, levelCount } = fixedBinSizeLevels(roi.intensity, roi.intensityMask, width, options);
  return { dims: [...roi.dims], spacing: [...roi.spacing], levels, levelCount, bins };
}

/** The intensity at the centre of bin ℓ: lower + (ℓ − ½)·width (IBSI-1 section 4.5, IVH after FBS). */
export function binCentre(bins: BinGrid, level: number): number {
  return bins.lower + (level - 0.5) * bins.width;
}
