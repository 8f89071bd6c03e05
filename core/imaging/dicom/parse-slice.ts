import type { DataSet, Element } from 'dicom-parser';
import type { Vec3 } from '../volume';
import { InputRejected, reject } from '../../input/issues';
import { dicomParser, parserErrorMessage } from './dicom-parser';
import { FieldReader } from './fields';
import { readIdentification, type DicomIdentification } from './identification';
import { readPixelFormat } from './pixel-format';
import type { PixelFormat, StoredValues } from './pixels';
import { decodeStoredValues } from './pixels';
import { DICOMDIR_SOP_CLASS_UID, TAG } from './tags';
import type { TransferSyntax } from './transfer-syntax';
import { pixelEncodingOf, transferSyntaxName } from './transfer-syntax';

/** Part 10: a 128-byte preamble, then the magic `DICM`. Files without it are refused (no guessing). */
const PREAMBLE_BYTES = 128;
const MAGIC = 'DICM';
/**
 * ImageOrientationPatient is written with as few as 5–6 decimals; direction cosines whose length or mutual
 * dot product is off by more than this are not an orientation at all, not rounding.
 */
const ORTHONORMAL_TOLERANCE = 0.01;

/** One image file of a series: what geometry and the report need, and its pixels still undecoded. */
export interface DicomSlice {
  file: string;
  transferSyntax: TransferSyntax;
  modality: string;
  seriesInstanceUid: string;
  seriesDescription?: string;
  sopInstanceUid?: string;
  /** What a DICOM SEG of this series references: absent ones leave the series without a SEG. */
  sopClassUid?: string;
  studyInstanceUid?: string;
  frameOfReferenceUid?: string;
  /** ImageType values, upper case (e.g. ORIGINAL, PRIMARY, AXIAL or LOCALIZER). */
  imageType: string[];
  manufacturer?: string;
  manufacturerModelName?: string;
  /** ImagePositionPatient: centre of the first transmitted pixel, DICOM patient coordinates (LPS+), mm. */
  position: Vec3;
  /** First ImageOrientationPatient triplet (unit, LPS+): the direction in which the column index i grows. */
  iDirection: Vec3;
  /** Second triplet: the direction in which the row index j grows. */
  jDirection: Vec3;
  /** PixelSpacing as written: [distance between rows (along j), distance between columns (along i)], mm. */
  pixelSpacing: [number, number];
  rows: number;
  columns: number;
  /** Reported only: geometry comes from positions, never from these. */
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  pixels: PixelFormat;
  /** Decodes the pixel data when called (nothing is decoded while parsing). */
  readStoredValues(): StoredValues;
  /** The patient and study identification, read only when called (for the DICOM SEG; never logged). */
  readIdentification(): DicomIdentification;
}

/**
 * Parses one DICOM Part 10 file's header. Throws InputRejected with every problem found in it:
 * DICOM_PARSE_ERROR, DICOM_MISSING_TAG (keyword as `field`), DICOM_UNSUPPORTED_TRANSFER_SYNTAX,
 * DICOM_UNSUPPORTED_PIXEL_FORMAT.
 */
export function parseDicomSlice(file: string, bytes: Uint8Array): DicomSlice {
  const { dataSet, transferSyntax } = parseDataSet(file, bytes);
  const fields = new FieldReader(file, dataSet);
  const modality = fields.string('Modality');
  const seriesInstanceUid = fields.string('SeriesInstanceUID');
  const position = fields.numbers('ImagePositionPatient', 3);
  const orientation = fields.numbers('ImageOrientationPatient', 6);
  const pixelSpacing = fields.numbers('PixelSpacing', 2);
  const rows = fields.uint16('Rows');
  const columns = fields.uint16('Columns');
  const pixelData = dataSet.elements[TAG.PixelData];
  const pixels = readPixelFormat(fields, pixelEncodingOf(transferSyntax.uid, file), rows, columns);
  if (!pixelData) fields.missing('PixelData');
  const directions = orientation && checkOrientation(fields, orientation);
  if (pixelSpacing && !pixelSpacing.every((v) => v > 0)) {
    fields.issue(
      'DICOM_PARSE_ERROR',
      'PixelSpacing',
      `must be two positive numbers, got ${pixelSpacing.join('\\')}`,
    );
  }
  if (rows === 0 || columns === 0) fields.issue('DICOM_PARSE_ERROR', 'Rows', `image is ${columns}×${rows}`);
  if (fields.issues.length > 0) throw new InputRejected(fields.issues);
  const element = pixelData as Element;
  const format = pixels as PixelFormat;
  return {
    file,
    transferSyntax,
    modality: modality!.toUpperCase(),
    seriesInstanceUid: seriesInstanceUid!,
    seriesDescription: fields.optionalString('SeriesDescription'),
    sopInstanceUid: fields.optionalString('SOPInstanceUID'),
    sopClassUid: fields.optionalString('SOPClassUID'),
    studyInstanceUid: fields.optionalString('StudyInstanceUID'),
    frameOfReferenceUid: fields.optionalString('FrameOfReferenceUID'),
    imageType: (dataSet.string(TAG.ImageType) ?? '')
      .toUpperCase()
      .split('\\')
      .map((s) => s.trim()),
    manufacturer: fields.optionalString('Manufacturer'),
    manufacturerModelName: fields.optionalString('ManufacturerModelName'),
    position: position as Vec3,
    iDirection: directions![0],
    jDirection: directions![1],
    pixelSpacing: pixelSpacing as [number, number],
    rows: rows!,
    columns: columns!,
    sliceThickness: fields.optionalNumber('SliceThickness'),
    spacingBetweenSlices: fields.optionalNumber('SpacingBetweenSlices'),
    pixels: format,
    readStoredValues: () => decodeStoredValues(file, dataSet, element, format),
    readIdentification: () => readIdentification(dataSet),
  };
}

/** True when the bytes start like a DICOM Part 10 file: 128-byte preamble, then `DICM`. */
export function hasDicomPreamble(bytes: Uint8Array): boolean {
  if (bytes.length < PREAMBLE_BYTES + MAGIC.length) return false;
  return String.fromCharCode(...bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + MAGIC.length)) === MAGIC;
}

/** True for a DICOMDIR: the index of a DICOM file set, which holds no image of its own. */
export function isDicomDirectory(bytes: Uint8Array): boolean {
  if (!hasDicomPreamble(bytes)) return false;
  try {
    return dicomParser.readPart10Header(bytes).string(TAG.MediaStorageSOPClassUID) === DICOMDIR_SOP_CLASS_UID;
  } catch {
    return false;
  }
}

function parseDataSet(file: string, bytes: Uint8Array): { dataSet: DataSet; transferSyntax: TransferSyntax } {
  if (bytes.length === 0) throw reject('FILE_EMPTY', file, 'the file is empty');
  if (!hasDicomPreamble(bytes)) {
    throw reject(
      'DICOM_PARSE_ERROR',
      file,
      `not a DICOM Part 10 file: no "${MAGIC}" after the 128-byte preamble`,
    );
  }
  let uid: string | undefined;
  try {
    uid = dicomParser.readPart10Header(bytes).string(TAG.TransferSyntaxUID);
  } catch (error) {
    throw reject('DICOM_PARSE_ERROR', file, `unreadable file meta information: ${parserErrorMessage(error)}`);
  }
  if (!uid) {
    throw reject('DICOM_MISSING_TAG', file, 'no transfer syntax in the file meta', 'TransferSyntaxUID');
  }
  // Checked before the data set is parsed: dicom-parser would inflate a deflated one without any size limit.
  pixelEncodingOf(uid, file);
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    throw reject('DICOM_PARSE_ERROR', file, `unreadable data set (truncated?): ${parserErrorMessage(error)}`);
  }
  // dicom-parser stops quietly when the last element's value runs past the end of the file.
  const cut = Object.values(dataSet.elements).find((e) => e.dataOffset + e.length > bytes.length);
  if (cut) {
    const tag = `(${cut.tag.slice(1, 5)},${cut.tag.slice(5)})`;
    throw reject('DICOM_PARSE_ERROR', file, `truncated: element ${tag} runs past the end of the file`);
  }
  return { dataSet, transferSyntax: { uid, name: transferSyntaxName(uid) } };
}

function checkOrientation(fields: FieldReader, iop: number[]): [Vec3, Vec3] | undefined {
  const i = iop.slice(0, 3) as Vec3;
  const j = iop.slice(3, 6) as Vec3;
  const norm = (v: Vec3) => Math.hypot(...v);
  const dot = i[0] * j[0] + i[1] * j[1] + i[2] * j[2];
  if (Math.abs(norm(i) - 1) > ORTHONORMAL_TOLERANCE || Math.abs(norm(j) - 1) > ORTHONORMAL_TOLERANCE) {
    fields.issue(
      'DICOM_PARSE_ERROR',
      'ImageOrientationPatient',
      `direction cosines are not unit vectors: ${iop}`,
    );
    return undefined;
  }
  if (Math.abs(dot) > ORTHONORMAL_TOLERANCE) {
    fields.issue(
      'DICOM_PARSE_ERROR',
      'ImageOrientationPatient',
      `row and column directions not orthogonal: ${iop}`,
    );
    return undefined;
  }
  const unit = (v: Vec3): Vec3 => [v[0] / norm(v), v[1] / norm(v), v[2] / norm(v)];
  return [unit(i), unit(j)];
}
