/** The real DICOM and NIfTI samples (test/fixtures/samples, see its README.md) and nibabel's reference values. */
import { readFileSync } from 'node:fs';
import { InputRejected, type ValidationIssue } from '../../core/input/issues';

/** In the repository, so that a clone passes its tests with nothing beside it. */
export const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
export const DICOM_SAMPLES = new URL('dicom/', SAMPLES);
const NIFTI_SAMPLES = new URL('nifti/', SAMPLES);

/** A NIfTI sample, by its path under samples/nifti (e.g. `nibabel/standard.nii.gz`). */
export function sampleBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(relative, NIFTI_SAMPLES)));
}

interface VoxelReference {
  ijk: [number, number, number];
  value: number;
  world: number[];
  canonicalIjk: [number, number, number];
  canonicalValue: number;
}

export interface FileReference {
  file: string;
  version: 1 | 2;
  littleEndian: boolean;
  dim: number[];
  datatype: string;
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  qform: number[];
  sform: number[];
  affine: number[];
  axcodes: string;
  stats?: { min: number; max: number; mean: number; sum: number };
  voxels?: VoxelReference[];
  canonical?: { dims: number[]; affine: number[]; axcodes: string };
}

export interface Reference {
  generator: string;
  files: FileReference[];
  orientation: {
    name: string;
    dims: number[];
    affine: number[];
    axcodes: string;
    canonicalDims: number[];
    canonicalAffine: number[];
  }[];
  quaternion: {
    name: string;
    affine: number[];
    quatern: number[];
    qoffset: number[];
    pixdim: number[];
    qform: number[];
  }[];
}

/** make-reference.py writes NaN as the string "NaN" (JSON has none). */
export const reference: Reference = JSON.parse(
  readFileSync(new URL('../fixtures/nifti/reference.json', import.meta.url), 'utf8'),
  (_key, value: unknown) => (value === 'NaN' ? NaN : value),
);

export function fileReference(file: string): FileReference {
  const found = reference.files.find((f) => f.file === file);
  if (!found) throw new Error(`no reference for ${file}`);
  return found;
}

/** The issues an `InputRejected` carries; fails when `run` does not throw one. */
export function issuesOf(run: () => unknown): ValidationIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputRejected) return error.issues;
    throw error;
  }
  throw new Error('expected InputRejected, nothing was thrown');
}

export function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  actual.forEach((a, n) => {
    const e = expected[n] as number;
    if (!(Math.abs(a - e) <= tolerance)) {
      throw new Error(`element ${n}: ${a} ≠ ${e} (±${tolerance}); got [${actual.join(', ')}]`);
    }
  });
}

/** Same length and values; far faster than `toEqual` on large typed arrays. Index of the first difference, or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let n = 0; n < a.length; n++) if (!Object.is(a[n], b[n])) return n;
  return -1;
}
