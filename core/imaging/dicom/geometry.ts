import type { ValidationIssue } from '../../input/issues';
import { InputRejected } from '../../input/issues';
import { LIMITS } from '../../input/limits';
import type { Affine, Vec3 } from '../volume';
import type { DicomSlice } from './parse-slice';

/**
 * Slices of one series must share orientation to this much per direction cosine: 1e-3 rad tilts the far
 * edge of a 512-pixel slice by under half a pixel, while float noise in ImageOrientationPatient is ~1e-6.
 */
export const ORIENTATION_TOLERANCE = 1e-3;
/** Relative PixelSpacing difference allowed between slices: half a pixel at the edge of a 512 slice. */
export const PIXEL_SPACING_RELATIVE_TOLERANCE = 1e-3;
/** Two slices closer than this along the normal are at the same position (DS positions carry ~1e-5 mm). */
export const DUPLICATE_POSITION_TOLERANCE_MM = 0.01;
/** Slice origins may stray this many pixels off the line through the first and last (else not one grid). */
export const IN_PLANE_DRIFT_TOLERANCE_PIXELS = 0.5;
/**
 * With no gap, each slice must sit within this fraction of the median spacing of where a uniform grid puts
 * it: the volume is written with one spacing, so irregular spacing would misplace slices by more than that.
 */
export const GRID_DEVIATION_TOLERANCE = 0.5;

/** Where the slices of one series sit, from ImagePositionPatient and ImageOrientationPatient only. */
export interface SeriesGeometry {
  /** Sorted by position along the slice normal, ascending: slice k of the volume is sorted[k]. */
  sorted: DicomSlice[];
  /** iDirection × jDirection, LPS+. */
  normal: Vec3;
  /** Median distance between consecutive positions along the normal, mm; null for a single slice. */
  sliceSpacing: number | null;
  dims: Vec3;
  /** Column norms of the affine: column spacing, row spacing, distance between consecutive slice origins. */
  spacing: Vec3;
  /** Voxel (i = column, j = row, k = sorted slice) to RAS+ world, mm, row-major 4×4. Not reoriented. */
  affine: Affine;
}

/**
 * Checks that the slices form one regular grid and computes it. Throws InputRejected with
 * DICOM_INCONSISTENT_SLICES, or with every DICOM_DUPLICATE_SLICE, MISSING_SLICES and SPACING_IMPLAUSIBLE
 * found. Header SliceThickness and SpacingBetweenSlices are never used, except SliceThickness as the k step
 * of a single-slice series, where positions give none. Modality and orientation policy are not checked.
 */
export function computeSeriesGeometry(slices: DicomSlice[]): SeriesGeometry {
  const first = slices[0];
  if (!first) throw new InputRejected([{ code: 'NO_IMAGE', message: 'no DICOM image in the series' }]);
  const inconsistent = consistencyIssues(slices);
  if (inconsistent.length > 0) throw new InputRejected(inconsistent);
  const normal = cross(first.iDirection, first.jDirection);
  const sorted = slices.map((slice) => ({ slice, s: dot(slice.position, normal) })).sort((a, b) => a.s - b.s);
  const issues: ValidationIssue[] = [];
  const unique = [sorted[0]!];
  for (let k = 1; k < sorted.length; k++) {
    const previous = unique[unique.length - 1]!;
    const here = sorted[k]!;
    if (here.s - previous.s < DUPLICATE_POSITION_TOLERANCE_MM) {
      issues.push({
        code: 'DICOM_DUPLICATE_SLICE',
        file: here.slice.file,
        field: 'ImagePositionPatient',
        message: `same position (${fmt(here.s)} mm along the slice normal) as ${previous.slice.file}`,
      });
    } else unique.push(here);
  }
  const steps = unique.slice(1).map((u, k) => u.s - unique[k]!.s);
  const sliceSpacing = steps.length > 0 ? median(steps) : null;
  if (sliceSpacing !== null) issues.push(...gapIssues(unique, steps, sliceSpacing));
  if (issues.length > 0) throw new InputRejected(issues);

  const last = sorted[sorted.length - 1]!;
  const [rowSpacing, columnSpacing] = first.pixelSpacing;
  let kStep: Vec3;
  if (sliceSpacing === null) {
    kStep = scale(normal, first.sliceThickness ?? 1);
  } else {
    // The stacking direction may lean off the normal (gantry tilt): keep that shear, with the median step.
    const along = sub(last.slice.position, sorted[0]!.slice.position);
    const direction = scale(along, 1 / Math.hypot(...along));
    kStep = scale(direction, sliceSpacing / dot(direction, normal));
  }
  const columns = [scale(first.iDirection, columnSpacing), scale(first.jDirection, rowSpacing), kStep];
  const origin = sorted[0]!.slice.position;
  const ras = (v: Vec3): Vec3 => [-v[0], -v[1], v[2]];
  const [c0, c1, c2] = columns.map(ras) as [Vec3, Vec3, Vec3];
  const t = ras(origin);
  return {
    sorted: sorted.map((u) => u.slice),
    normal,
    sliceSpacing,
    dims: [first.columns, first.rows, slices.length],
    spacing: [columnSpacing, rowSpacing, Math.hypot(...kStep)],
    // `+ 0` turns the -0 that negation leaves into 0, so affines compare equal as plain numbers.
    affine: [c0[0], c1[0], c2[0], t[0], c0[1], c1[1], c2[1], t[1], c0[2], c1[2], c2[2], t[2], 0, 0, 0, 1].map(
      (v) => v + 0,
    ),
  };
}

/** DICOM_INCONSISTENT_SLICES for the first file that differs from the first slice, per field. */
function consistencyIssues(slices: DicomSlice[]): ValidationIssue[] {
  const reference = slices[0]!;
  const checks: { field: string; same: (s: DicomSlice) => boolean; show: (s: DicomSlice) => string }[] = [
    { field: 'Rows', same: (s) => s.rows === reference.rows, show: (s) => `${s.rows}` },
    { field: 'Columns', same: (s) => s.columns === reference.columns, show: (s) => `${s.columns}` },
    {
      field: 'PixelSpacing',
      same: (s) =>
        s.pixelSpacing.every(
          (v, i) => Math.abs(v - reference.pixelSpacing[i]!) <= PIXEL_SPACING_RELATIVE_TOLERANCE * v,
        ),
      show: (s) => s.pixelSpacing.join('\\'),
    },
    {
      field: 'ImageOrientationPatient',
      same: (s) =>
        [...s.iDirection, ...s.jDirection].every(
          (v, i) =>
            Math.abs(v - [...reference.iDirection, ...reference.jDirection][i]!) <= ORIENTATION_TOLERANCE,
        ),
      show: (s) => [...s.iDirection, ...s.jDirection].map(fmt).join('\\'),
    },
  ];
  const issues: ValidationIssue[] = [];
  for (const { field, same, show } of checks) {
    const other = slices.find((s) => !same(s));
    if (other) {
      issues.push({
        code: 'DICOM_INCONSISTENT_SLICES',
        file: other.file,
        field,
        message: `${field} ${show(other)} differs from ${show(reference)} in ${reference.file}`,
      });
    }
  }
  return issues;
}

type Placed = { slice: DicomSlice; s: number };

/** MISSING_SLICES for each gap; else in-plane drift and irregular spacing. */
function gapIssues(unique: Placed[], steps: number[], spacing: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  steps.forEach((step, k) => {
    if (step <= LIMITS.maxGapFactor * spacing) return;
    const [before, after] = [unique[k]!.slice, unique[k + 1]!.slice];
    issues.push({
      code: 'MISSING_SLICES',
      file: after.file,
      field: 'ImagePositionPatient',
      message:
        `gap of ${fmt(step)} mm between ${before.file} and ${after.file}, more than ${LIMITS.maxGapFactor} × ` +
        `the median spacing ${fmt(spacing)} mm: about ${Math.round(step / spacing) - 1} slice(s) missing`,
    });
  });
  if (issues.length > 0) return issues;
  const first = unique[0]!;
  const last = unique[unique.length - 1]!;
  const line = sub(last.slice.position, first.slice.position);
  const pixel = Math.min(...first.slice.pixelSpacing);
  for (const [k, u] of unique.entries()) {
    const expected = add(first.slice.position, scale(line, (u.s - first.s) / (last.s - first.s)));
    const drift = Math.hypot(...sub(u.slice.position, expected));
    if (drift > IN_PLANE_DRIFT_TOLERANCE_PIXELS * pixel) {
      return [
        issue('DICOM_INCONSISTENT_SLICES', u, `origin is ${fmt(drift)} mm off the line of the other slices`),
      ];
    }
    const deviation = Math.abs(u.s - first.s - k * spacing);
    if (deviation > GRID_DEVIATION_TOLERANCE * spacing) {
      const message = `slices are unevenly spaced: this one is ${fmt(deviation)} mm off a ${fmt(spacing)} mm grid`;
      return [issue('SPACING_IMPLAUSIBLE', u, message)];
    }
  }
  return [];
}

function issue(code: ValidationIssue['code'], at: Placed, message: string): ValidationIssue {
  return { code, file: at.slice.file, field: 'ImagePositionPatient', message };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (v: number) => String(Number(v.toFixed(4)));
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3, f: number): Vec3 => [a[0] * f, a[1] * f, a[2] * f];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
