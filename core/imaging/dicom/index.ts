/** DICOM CT series → canonical-type Volume (int16 HU, RAS+ affine, not reoriented). */
export type {
  DicomFile,
  DicomLimits,
  DicomSeriesInfo,
  DicomSeriesSummary,
  ReadDicomSeriesOptions,
} from './series';
export { AXIAL_MAX_TILT_DEGREES, parseDicomFiles, readDicomSeries, summarizeSeries } from './series';
export type { SeriesGeometry } from './geometry';
export { computeSeriesGeometry } from './geometry';
export type { DicomSlice } from './parse-slice';
export { hasDicomPreamble, isDicomDirectory, parseDicomSlice } from './parse-slice';
export type { PixelFormat, StoredValues } from './pixels';
export { HU_IMPLAUSIBLE_MAX_FRACTION, writeHu } from './hu';
export type { DicomIdentification, IdentificationKeyword } from './identification';
export { IDENTIFICATION_KEYWORDS, IDENTIFICATION_TAGS } from './identification';
export type { DicomSourceRecord, NoDicomSource } from './source-record';
export {
  dicomSourceRecord,
  dicomSourceRecordSchema,
  inCanonicalSliceOrder,
  isDicomSourceRecord,
} from './source-record';
export type { TransferSyntax } from './transfer-syntax';
export { transferSyntaxName } from './transfer-syntax';
