/**
 * The voxel-to-world affine of a NIfTI header, and the quaternion form of an affine for writing one.
 *
 * NIfTI-1 defines three methods (nifti1.h, "3D IMAGE (VOLUME) ORIENTATION AND LOCATION IN SPACE"):
 * method 3 (sform_code > 0) takes srow_x/y/z as the affine; method 2 (qform_code > 0) builds it from the
 * quaternion, pixdim and qoffset; method 1 (both codes 0) is the old ANALYZE mapping x = pixdim[1]·i,
 * y = pixdim[2]·j, z = pixdim[3]·k, which carries no orientation. The standard precedence is followed:
 * sform, else qform, else method 1 with a NIFTI_NO_ORIENTATION warning (the caller decides whether an
 * image without orientation is acceptable; the world axes of such an image are a guess).
 */
import type { ValidationIssue } from '../../input/issues';
import { reject } from '../../input/issues';
import { determinant3, linearPart, nearestOrthogonal, type Mat3 } from '../orientation';
import type { Affine, Vec3 } from '../volume';
import type { NiftiHeader } from './header';
import { NIFTI_UNITS_METER, NIFTI_UNITS_MICRON, SPATIAL_UNITS_MASK } from './layout';

export type OrientationSource = 'sform' | 'qform' | 'pixdim';

export interface HeaderAffine {
  affine: Affine;
  source: OrientationSource;
  warnings: ValidationIssue[];
}

/** `qfac` is pixdim[0]: −1 flips the third axis (a left-handed grid); any other value counts as +1. */
export function qfacOf(pixdim0: number): 1 | -1 {
  return pixdim0 < 0 ? -1 : 1;
}

/** Method 2: rotation from the unit quaternion (a, b, c, d), a = √(1 − b² − c² − d²), then scaling. */
export function qformAffine(quatern: Vec3, qoffset: Vec3, pixdim: readonly number[]): Affine {
  let [b, c, d] = quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // nifti1_io's rule: a (numerically) zero a means a 180° rotation; renormalise (b, c, d).
    const norm = Math.hypot(b, c, d);
    [a, b, c, d] = [0, b / norm, c / norm, d / norm];
  } else {
    a = Math.sqrt(a);
  }
  const r = [
    a * a + b * b - c * c - d * d,
    2 * (b * c - a * d),
    2 * (b * d + a * c),
    2 * (b * c + a * d),
    a * a + c * c - b * b - d * d,
    2 * (c * d - a * b),
    2 * (b * d - a * c),
    2 * (c * d + a * b),
    a * a + d * d - c * c - b * b,
  ];
  const scale = [
    pixdim[1] as number,
    pixdim[2] as number,
    (pixdim[3] as number) * qfacOf(pixdim[0] as number),
  ];
  const affine: Affine = [];
  for (let row = 0; row < 3; row++) {
    affine.push(
      ...[0, 1, 2].map((col) => (r[row * 3 + col] as number) * (scale[col] as number)),
      qoffset[row] as number,
    );
  }
  affine.push(0, 0, 0, 1);
  return affine;
}

/** Method 3: srow_x, srow_y, srow_z are the affine's first three rows. */
export function sformAffine(srow: readonly number[]): Affine {
  return [...srow.slice(0, 12), 0, 0, 0, 1];
}

/** Method 1: a diagonal of the voxel sizes, no translation, no orientation. */
export function pixdimAffine(pixdim: readonly number[]): Affine {
  const [, x, y, z] = pixdim as number[];
  return [x as number, 0, 0, 0, 0, y as number, 0, 0, 0, 0, z as number, 0, 0, 0, 0, 1];
}

/** Factor from the header's spatial unit to mm (unknown is taken as mm, as every CT writer means it). */
export function toMillimetres(xyztUnits: number): number {
  const unit = xyztUnits & SPATIAL_UNITS_MASK;
  if (unit === NIFTI_UNITS_METER) return 1000;
  if (unit === NIFTI_UNITS_MICRON) return 0.001;
  return 1;
}

function scaleToMm(affine: Affine, factor: number): Affine {
  return affine.map((v, n) => (n < 12 ? v * factor : v));
}

/** The header's affine in mm by the standard precedence; NIFTI_BAD_HEADER when it is unusable. */
export function headerAffine(header: NiftiHeader, fileName: string): HeaderAffine {
  let affine: Affine;
  let source: OrientationSource;
  let field: string;
  const warnings: ValidationIssue[] = [];
  if (header.sformCode > 0) {
    [affine, source, field] = [sformAffine(header.srow), 'sform', 'srow_x'];
  } else if (header.qformCode > 0) {
    [affine, source, field] = [
      qformAffine(header.quatern, header.qoffset, header.pixdim),
      'qform',
      'quatern_b',
    ];
  } else {
    [affine, source, field] = [pixdimAffine(header.pixdim), 'pixdim', 'pixdim'];
    warnings.push({
      code: 'NIFTI_NO_ORIENTATION',
      file: fileName,
      field: 'sform_code',
      message:
        'sform_code and qform_code are 0: the image has no orientation; voxel axes were taken as x, y, z',
    });
  }
  affine = scaleToMm(affine, toMillimetres(header.xyztUnits));
  if (!affine.every(Number.isFinite)) {
    throw reject('NIFTI_BAD_HEADER', fileName, `the ${source} affine has non-finite entries`, field);
  }
  const det = determinant3(linearPart(affine));
  if (!(Math.abs(det) > 0)) {
    throw reject('NIFTI_BAD_HEADER', fileName, `the ${source} affine is singular (collapses an axis)`, field);
  }
  return { affine, source, warnings };
}

/** The quaternion fields that represent an affine as closely as NIfTI's qform can (no shear). */
export interface QuaternionForm {
  quatern: Vec3;
  qoffset: Vec3;
  /** pixdim[0]. */
  qfac: 1 | -1;
  /** pixdim[1..3]: the column norms. */
  spacing: Vec3;
}

/**
 * Inverse of `qformAffine`: columns normalised, the third flipped when the grid is left-handed (qfac −1),
 * the nearest rotation taken (so a sheared affine still gets a valid qform), then converted to a unit
 * quaternion with a ≥ 0 (Shepperd's method, picking the largest diagonal term for stability).
 */
export function quaternionForm(affine: Affine): QuaternionForm {
  const m = linearPart(affine);
  const spacing = [0, 1, 2].map((c) =>
    Math.hypot(m[c] as number, m[3 + c] as number, m[6 + c] as number),
  ) as Vec3;
  let r: Mat3 = m.map((v, n) => v / (spacing[n % 3] as number));
  const qfac = determinant3(r) < 0 ? -1 : 1;
  if (qfac === -1) r = r.map((v, n) => (n % 3 === 2 ? -v : v));
  r = nearestOrthogonal(r);
  const e = (row: number, col: number): number => r[row * 3 + col] as number;
  const trace = e(0, 0) + e(1, 1) + e(2, 2);
  let a: number, b: number, c: number, d: number;
  if (trace > 0) {
    const s = 2 * Math.sqrt(1 + trace); // s = 4a
    [a, b, c, d] = [s / 4, (e(2, 1) - e(1, 2)) / s, (e(0, 2) - e(2, 0)) / s, (e(1, 0) - e(0, 1)) / s];
  } else if (e(0, 0) >= e(1, 1) && e(0, 0) >= e(2, 2)) {
    const s = 2 * Math.sqrt(1 + e(0, 0) - e(1, 1) - e(2, 2)); // s = 4b
    [a, b, c, d] = [(e(2, 1) - e(1, 2)) / s, s / 4, (e(0, 1) + e(1, 0)) / s, (e(0, 2) + e(2, 0)) / s];
  } else if (e(1, 1) >= e(2, 2)) {
    const s = 2 * Math.sqrt(1 + e(1, 1) - e(0, 0) - e(2, 2)); // s = 4c
    [a, b, c, d] = [(e(0, 2) - e(2, 0)) / s, (e(0, 1) + e(1, 0)) / s, s / 4, (e(1, 2) + e(2, 1)) / s];
  } else {
    const s = 2 * Math.sqrt(1 + e(2, 2) - e(0, 0) - e(1, 1)); // s = 4d
    [a, b, c, d] = [(e(1, 0) - e(0, 1)) / s, (e(0, 2) + e(2, 0)) / s, (e(1, 2) + e(2, 1)) / s, s / 4];
  }
  if (a < 0) [b, c, d] = [-b, -c, -d];
  return { quatern: [b, c, d], qoffset: [affine[3], affine[7], affine[11]] as Vec3, qfac, spacing };
}
