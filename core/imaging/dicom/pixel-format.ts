import type { DataSet } from 'dicom-parser';
import type { FieldReader } from './fields';
import type { PixelFormat } from './pixels';
import { TAG, type TagKeyword } from './tags';

/**
 * The Image Pixel module and the rescale of one file, checked: greyscale, one sample, 8 or 16 bits allocated,
 * low-aligned, one frame. Records DICOM_UNSUPPORTED_PIXEL_FORMAT / DICOM_MISSING_TAG / DICOM_PARSE_ERROR
 * issues on `fields`; undefined when any is missing.
 */
export function readPixelFormat(
  fields: FieldReader,
  encoding: PixelFormat['encoding'],
  rows: number | undefined,
  columns: number | undefined,
): PixelFormat | undefined {
  const samples = fields.uint16('SamplesPerPixel');
  const photometric = fields.string('PhotometricInterpretation')?.toUpperCase();
  const bitsAllocated = fields.uint16('BitsAllocated');
  const bitsStored = fields.uint16('BitsStored');
  const representation = fields.uint16('PixelRepresentation');
  const highBit = fields.dataSet.uint16(TAG.HighBit);
  const frames = fields.optionalNumber('NumberOfFrames');
  const unsupported = (field: TagKeyword, why: string) =>
    fields.issue('DICOM_UNSUPPORTED_PIXEL_FORMAT', field, why);
  if (samples !== undefined && samples !== 1) {
    unsupported('SamplesPerPixel', `${samples} samples per pixel (colour)`);
  }
  if (photometric && photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2') {
    unsupported(
      'PhotometricInterpretation',
      `${photometric}; only MONOCHROME1 and MONOCHROME2 are greyscale CT`,
    );
  }
  if (bitsAllocated !== undefined && bitsAllocated !== 8 && bitsAllocated !== 16) {
    unsupported('BitsAllocated', `${bitsAllocated} bits allocated; only 8 and 16 are supported`);
  }
  if (bitsStored !== undefined && (bitsStored < 1 || bitsStored > (bitsAllocated ?? 16))) {
    unsupported('BitsStored', `${bitsStored} bits stored in ${bitsAllocated} allocated`);
  }
  if (highBit !== undefined && bitsStored !== undefined && highBit !== bitsStored - 1) {
    unsupported('HighBit', `high bit ${highBit} with ${bitsStored} bits stored; only low-aligned samples`);
  }
  if (representation !== undefined && representation > 1) {
    fields.issue('DICOM_PARSE_ERROR', 'PixelRepresentation', `must be 0 or 1, got ${representation}`);
  }
  if (frames !== undefined && frames > 1) {
    unsupported('NumberOfFrames', `a multi-frame image (${frames} frames); export one file per slice`);
  }
  for (const tag of ['FloatPixelData', 'DoubleFloatPixelData'] as const) {
    if (fields.dataSet.elements[TAG[tag]]) unsupported(tag, 'floating-point pixel data');
  }
  const rescale = readRescale(fields);
  if (
    rows === undefined ||
    columns === undefined ||
    bitsAllocated === undefined ||
    bitsStored === undefined ||
    representation === undefined ||
    photometric === undefined ||
    rescale === undefined
  ) {
    return undefined;
  }
  return {
    encoding,
    rows,
    columns,
    bitsAllocated: bitsAllocated === 8 ? 8 : 16,
    bitsStored,
    signed: representation === 1,
    photometric: photometric === 'MONOCHROME1' ? 'MONOCHROME1' : 'MONOCHROME2',
    ...rescale,
    padding: readPadding(fields.dataSet, representation === 1, bitsStored),
  };
}

function readRescale(
  fields: FieldReader,
): Pick<PixelFormat, 'slope' | 'intercept' | 'rescaleDefaulted'> | undefined {
  const slope = fields.optionalNumber('RescaleSlope');
  const intercept = fields.optionalNumber('RescaleIntercept');
  const present = fields.dataSet.elements[TAG.RescaleSlope] || fields.dataSet.elements[TAG.RescaleIntercept];
  if (!present && fields.dataSet.elements[TAG.ModalityLUTSequence]) {
    fields.issue(
      'DICOM_UNSUPPORTED_PIXEL_FORMAT',
      'ModalityLUTSequence',
      'a Modality LUT table instead of a rescale',
    );
    return undefined;
  }
  if (slope === 0) {
    fields.issue('DICOM_PARSE_ERROR', 'RescaleSlope', 'a rescale slope of 0 erases the image');
    return undefined;
  }
  return {
    slope: slope ?? 1,
    intercept: intercept ?? 0,
    rescaleDefaulted: slope === undefined || intercept === undefined,
  };
}

/** PixelPaddingValue (and its range limit) as a stored-value range; its VR is US or SS, or unknown if implicit. */
function readPadding(dataSet: DataSet, signed: boolean, bitsStored: number): PixelFormat['padding'] {
  const value = (tag: string): number | undefined => {
    const element = dataSet.elements[tag];
    if (!element || element.length < 2) return undefined;
    const raw = dataSet.uint16(tag)!;
    const shift = 32 - bitsStored;
    return signed || element.vr === 'SS' ? (raw << 16) >> 16 : (raw << shift) >>> shift;
  };
  const first = value(TAG.PixelPaddingValue);
  if (first === undefined) return undefined;
  const limit = value(TAG.PixelPaddingRangeLimit) ?? first;
  return { low: Math.min(first, limit), high: Math.max(first, limit) };
}
