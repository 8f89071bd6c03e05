import { applyAffine } from '../imaging/orientation';
import type { Vec3, Volume } from '../imaging/volume';
import type { MaskReview } from './mask-review';
import { planeAxes, renderSlice, type Plane, type SliceImage } from './slice-view';

/** Axial slices spread over the gland, from superior to inferior. */
export const AXIAL_SLICES = 6;
/** Tissue shown around the gland on axial slices: the duodenum, splenic vein and peripancreatic fat. */
const AXIAL_MARGIN_MM = 30;
/** A small mask still gets enough surroundings to recognise where it is. */
const AXIAL_MIN_FIELD_MM = 140;
/**
 * Longest image side, px, whatever the volume's size: the report stays a few hundred kB for any CT. Axial
 * crops of a typical gland stay at native resolution below it; whole coronal and sagittal planes of a
 * 400 mm field of view come out at 1 mm per pixel.
 */
export const AXIAL_MAX_PIXELS = 320;
export const FULL_VIEW_MAX_PIXELS = 400;

export interface CtView {
  plane: Plane;
  /** Voxel index across the plane. */
  index: number;
  /** Planes in that direction. */
  of: number;
  /** World position of the plane along x (sagittal), y (coronal) or z (axial), mm, RAS+. */
  positionMm: number;
  image: SliceImage;
}

/**
 * The views of the report: axial slices through the segmented region (cropped around it), a coronal and a
 * sagittal plane through its centre (whole field of view). An empty mask gets the middle planes.
 */
export function ctViews(volume: Volume, mask: Uint8Array, review: MaskReview): CtView[] {
  const { dims } = volume;
  const centre = review.centroid ?? (dims.map((d) => (d - 1) / 2) as Vec3);
  const view = (
    plane: Plane,
    index: number,
    crop?: { columns: [number, number]; rows: [number, number] },
  ) => {
    const [, , normal] = planeAxes(plane);
    const point = [...centre] as Vec3;
    point[normal] = index;
    const maxPixels = crop ? AXIAL_MAX_PIXELS : FULL_VIEW_MAX_PIXELS;
    return {
      plane,
      index,
      of: dims[normal]!,
      positionMm: applyAffine(volume.affine, point)[normal]!,
      image: renderSlice(volume, review.voxels > 0 ? mask : undefined, { plane, index, maxPixels, ...crop }),
    };
  };
  const crop = { columns: axialRange(volume, review, 0), rows: axialRange(volume, review, 1) };
  return [
    ...axialIndices(review, dims[2]).map((k) => view('axial', k, crop)),
    view('coronal', planeThroughCentre(review, centre, 1)),
    view('sagittal', planeThroughCentre(review, centre, 0)),
  ];
}

function axialIndices(review: MaskReview, slices: number): number[] {
  if (!review.box) return [Math.floor(slices / 2)];
  const from = review.box.start[2];
  const size = review.box.size[2];
  const n = Math.min(AXIAL_SLICES, size);
  return Array.from({ length: n }, (_, s) => from + Math.floor(((n - 1 - s + 0.5) * size) / n));
}

/** The plane through the centre of mass, or the one holding most of the mask when that one misses it (a curved gland). */
function planeThroughCentre(review: MaskReview, centre: Vec3, axis: number): number {
  const counts = review.planeCounts[axis]!;
  const index = Math.min(counts.length - 1, Math.max(0, Math.round(centre[axis]!)));
  if (review.voxels === 0 || counts[index]! > 0) return index;
  return counts.reduce((best, n, i) => (n > counts[best]! ? i : best), 0);
}

/** Voxel range [from, to) of an axial crop along axis 0 or 1: the mask with a margin, at least the minimum field. */
function axialRange(volume: Volume, review: MaskReview, axis: 0 | 1): [number, number] {
  const size = volume.dims[axis];
  if (!review.box) return [0, size];
  const spacing = volume.spacing[axis];
  const margin = Math.ceil(AXIAL_MARGIN_MM / spacing);
  let from = review.box.start[axis] - margin;
  let to = review.box.start[axis] + review.box.size[axis] + margin;
  const short = Math.ceil(AXIAL_MIN_FIELD_MM / spacing) - (to - from);
  if (short > 0) {
    from -= Math.ceil(short / 2);
    to += Math.ceil(short / 2);
  }
  // Shift a crop that runs off one side back inside before cutting it.
  if (from < 0) [from, to] = [0, to - from];
  if (to > size) [from, to] = [from - (to - size), size];
  return [Math.max(0, from), Math.min(size, to)];
}
