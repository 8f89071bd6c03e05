import type { ValidationIssue } from '../../input/issues';
import { InputRejected } from '../../input/issues';
import { LIMITS } from '../../input/limits';
import type { Volume } from '../volume';
import { computeSeriesGeometry } from './geometry';
import { huImplausibleIssue, writeHu } from './hu';
import type { DicomSlice } from './parse-slice';
import { isDicomDirectory, parseDicomSlice } from './parse-slice';
import { dicomSourceRecord, type DicomSourceRecord, type NoDicomSource } from './source-record';
import type { TransferSyntax } from './transfer-syntax';

/**
 * An axial series may lean this far from the patient's z axis (angle between the slice normal and z).
 * Gantry tilt and oblique axial protocols stay within about 30°; at 45° a slice is as coronal or sagittal as
 * it is axial, and the U-Net was trained on axial slices.
 */
export const AXIAL_MAX_TILT_DEGREES = 30;
/** At most this many issues are listed; a thousand files with the same fault need not be named one by one. */
export const MAX_LISTED_ISSUES = 50;

export interface DicomFile {
  /** Path relative to the study folder (or inside the zip); issues name files by it. */
  name: string;
  bytes: Uint8Array;
}

export type DicomLimits = Record<
  'maxFiles' | 'maxInPlane' | 'maxSlices' | 'maxVoxels' | 'minHu' | 'maxHu',
  number
>;

export interface ReadDicomSeriesOptions {
  /** Which series to read when the files hold several. */
  seriesInstanceUid?: string;
  /** Overrides of LIMITS, for tests. */
  limits?: Partial<DicomLimits>;
}

/** What the validation report says about the series read. Nothing that identifies the patient. */
export interface DicomSeriesInfo {
  seriesInstanceUid: string;
  seriesDescription?: string;
  modality: string;
  manufacturer?: string;
  manufacturerModelName?: string;
  sliceCount: number;
  rows: number;
  columns: number;
  /** As written: [between rows, between columns], mm. */
  pixelSpacingMm: [number, number];
  /** Median distance between consecutive slices along the normal, from ImagePositionPatient; null for one. */
  sliceSpacingMm: number | null;
  /** Header values of the first slice, reported only (often different from the real spacing). */
  sliceThicknessMm?: number;
  spacingBetweenSlicesMm?: number;
  transferSyntaxes: TransferSyntax[];
  photometricInterpretation: 'MONOCHROME1' | 'MONOCHROME2';
  /** RescaleSlope/Intercept were absent in some slice and 1/0 were assumed. */
  rescaleDefaulted: boolean;
  /** Files read but not used: DICOMDIR indexes. */
  ignoredFiles: string[];
}

export interface DicomSeriesSummary {
  seriesInstanceUid: string;
  modality: string;
  description?: string;
  sliceCount: number;
}

/**
 * Parses every file's header (no pixels decoded). DICOMDIR files are set aside. Throws one InputRejected with
 * the issues of every file that cannot be read; TOO_MANY_FILES before reading any.
 */
export function parseDicomFiles(
  files: DicomFile[],
  limits: Pick<DicomLimits, 'maxFiles'> = LIMITS,
): { slices: DicomSlice[]; ignoredFiles: string[] } {
  if (files.length === 0) throw new InputRejected([{ code: 'NO_IMAGE', message: 'no DICOM files' }]);
  if (files.length > limits.maxFiles) {
    throw new InputRejected([
      {
        code: 'TOO_MANY_FILES',
        message: `${files.length} files; a series may have at most ${limits.maxFiles}`,
      },
    ]);
  }
  const slices: DicomSlice[] = [];
  const ignoredFiles: string[] = [];
  const issues: ValidationIssue[] = [];
  for (const { name, bytes } of files) {
    if (isDicomDirectory(bytes)) {
      ignoredFiles.push(name);
      continue;
    }
    try {
      slices.push(parseDicomSlice(name, bytes));
    } catch (error) {
      if (!(error instanceof InputRejected)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new InputRejected(capIssues(issues));
  if (slices.length === 0)
    throw new InputRejected([{ code: 'NO_IMAGE', message: 'only DICOMDIR files, no image' }]);
  return { slices, ignoredFiles };
}

/** The series among the slices, largest first. */
export function summarizeSeries(slices: DicomSlice[]): DicomSeriesSummary[] {
  return [...groupBySeries(slices).values()]
    .map((group) => ({
      seriesInstanceUid: group[0]!.seriesInstanceUid,
      modality: group[0]!.modality,
      description: group[0]!.seriesDescription,
      sliceCount: group.length,
    }))
    .sort((a, b) => b.sliceCount - a.sliceCount);
}

/**
 * Reads one CT series into a Volume (int16 HU, voxel → RAS+ affine, slices in the acquisition's own
 * orientation: not reoriented), with what a DICOM SEG of it references (`source`, slice k of this volume
 * = source slice k). Throws InputRejected with every independent issue found.
 */
export function readDicomSeries(
  files: DicomFile[],
  options: ReadDicomSeriesOptions = {},
): { volume: Volume; info: DicomSeriesInfo; source: DicomSourceRecord | NoDicomSource } {
  const limits: DicomLimits = { ...LIMITS, ...options.limits };
  const { slices: all, ignoredFiles } = parseDicomFiles(files, limits);
  const slices = chooseSeries(all, options.seriesInstanceUid);
  const first = slices[0]!;
  const issues = seriesPolicyIssues(slices, limits);
  let geometry: ReturnType<typeof computeSeriesGeometry> | undefined;
  try {
    geometry = computeSeriesGeometry(slices);
  } catch (error) {
    if (!(error instanceof InputRejected)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length > 0 || !geometry) throw new InputRejected(capIssues(issues));

  // Headers are consistent and within limits: only now is the voxel buffer allocated.
  const sliceSize = first.rows * first.columns;
  const data = new Int16Array(sliceSize * geometry.sorted.length);
  geometry.sorted.forEach((slice, k) => {
    try {
      const counts = writeHu(slice.readStoredValues(), slice.pixels, data, k * sliceSize, limits);
      const implausible = huImplausibleIssue(slice.file, counts, slice.pixels, limits);
      if (implausible) issues.push(implausible);
    } catch (error) {
      if (!(error instanceof InputRejected)) throw error;
      issues.push(...error.issues);
    }
  });
  if (issues.length > 0) throw new InputRejected(capIssues(issues));

  const syntaxes = new Map(slices.map((s) => [s.transferSyntax.uid, s.transferSyntax]));
  return {
    volume: { dims: geometry.dims, spacing: geometry.spacing, affine: geometry.affine, data },
    source: dicomSourceRecord(geometry.sorted),
    info: {
      seriesInstanceUid: first.seriesInstanceUid,
      seriesDescription: first.seriesDescription,
      modality: first.modality,
      manufacturer: first.manufacturer,
      manufacturerModelName: first.manufacturerModelName,
      sliceCount: slices.length,
      rows: first.rows,
      columns: first.columns,
      pixelSpacingMm: first.pixelSpacing,
      sliceSpacingMm: geometry.sliceSpacing,
      sliceThicknessMm: first.sliceThickness,
      spacingBetweenSlicesMm: first.spacingBetweenSlices,
      transferSyntaxes: [...syntaxes.values()],
      photometricInterpretation: first.pixels.photometric,
      rescaleDefaulted: slices.some((s) => s.pixels.rescaleDefaulted),
      ignoredFiles,
    },
  };
}

function groupBySeries(slices: DicomSlice[]): Map<string, DicomSlice[]> {
  const groups = new Map<string, DicomSlice[]>();
  for (const slice of slices) {
    const group = groups.get(slice.seriesInstanceUid);
    if (group) group.push(slice);
    else groups.set(slice.seriesInstanceUid, [slice]);
  }
  return groups;
}

function chooseSeries(slices: DicomSlice[], wanted: string | undefined): DicomSlice[] {
  const groups = groupBySeries(slices);
  const listing = () =>
    summarizeSeries(slices)
      .map((s) => `${s.seriesInstanceUid} (${s.modality}, ${s.sliceCount} slices, "${s.description ?? ''}")`)
      .join('; ');
  if (wanted !== undefined) {
    const chosen = groups.get(wanted);
    if (chosen) return chosen;
    throw new InputRejected([
      {
        code: 'NO_IMAGE',
        field: 'SeriesInstanceUID',
        message: `series ${wanted} is not among: ${listing()}`,
      },
    ]);
  }
  if (groups.size === 1) return slices;
  throw new InputRejected([
    {
      code: 'DICOM_MULTIPLE_SERIES',
      field: 'SeriesInstanceUID',
      message: `${groups.size} series in the upload; choose one by SeriesInstanceUID: ${listing()}`,
    },
  ]);
}

/** NOT_CT, NOT_AXIAL (localizer or oblique), DIMENSIONS_TOO_LARGE: from headers, before any pixel. */
function seriesPolicyIssues(slices: DicomSlice[], limits: DicomLimits): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const first = slices[0]!;
  const notCt = slices.find((s) => s.modality !== 'CT');
  if (notCt) {
    const message = `modality is ${notCt.modality}, not CT: the models are trained on CT only`;
    issues.push({ code: 'NOT_CT', file: notCt.file, field: 'Modality', message });
  }
  const localizers = slices.filter((s) => s.imageType.includes('LOCALIZER'));
  if (localizers.length > 0) {
    issues.push({
      code: 'NOT_AXIAL',
      file: localizers[0]!.file,
      field: 'ImageType',
      message: `${localizers.length} localizer (scout) image(s) in the series: upload the axial series instead`,
    });
  }
  const { iDirection: a, jDirection: b } = first;
  const normalZ = a[0] * b[1] - a[1] * b[0];
  const tilt = (Math.acos(Math.min(1, Math.abs(normalZ))) * 180) / Math.PI;
  if (tilt > AXIAL_MAX_TILT_DEGREES) {
    issues.push({
      code: 'NOT_AXIAL',
      file: first.file,
      field: 'ImageOrientationPatient',
      message: `slices lean ${tilt.toFixed(1)}° from axial (at most ${AXIAL_MAX_TILT_DEGREES}°): not an axial series`,
    });
  }
  const tooLarge = (message: string, field?: string) =>
    issues.push({ code: 'DIMENSIONS_TOO_LARGE', file: first.file, field, message });
  if (Math.max(first.rows, first.columns) > limits.maxInPlane) {
    tooLarge(`slices are ${first.columns}×${first.rows}, at most ${limits.maxInPlane} per side`, 'Rows');
  }
  if (slices.length > limits.maxSlices) tooLarge(`${slices.length} slices, at most ${limits.maxSlices}`);
  const voxels = first.rows * first.columns * slices.length;
  if (voxels > limits.maxVoxels) tooLarge(`${voxels} voxels, at most ${limits.maxVoxels}`);
  return issues;
}

/** The first MAX_LISTED_ISSUES issues, and one more that counts the rest. */
function capIssues(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length <= MAX_LISTED_ISSUES) return issues;
  const rest = issues.slice(MAX_LISTED_ISSUES);
  const codes = [...new Set(rest.map((i) => i.code))].join(', ');
  return [
    ...issues.slice(0, MAX_LISTED_ISSUES),
    { code: rest[0]!.code, message: `and ${rest.length} more issues not listed (${codes})` },
  ];
}
