import type { DataSet, Element } from 'dicom-parser';
import { reject } from '../../input/issues';
import { dicomParser, parserErrorMessage } from './dicom-parser';
import { decodeJpegLosslessFrame } from './jpeg-lossless';
import { decodeRleFrame } from './rle';
import type { PixelEncoding } from './transfer-syntax';

/** How one slice's samples are stored and turned into HU. */
export interface PixelFormat {
  encoding: PixelEncoding;
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  /** Significant low bits of each sample; higher bits are ignored (old scanners put overlays there). */
  bitsStored: number;
  /** PixelRepresentation 1: samples are two's complement within bitsStored. */
  signed: boolean;
  /** Display polarity only: HU come from the rescale, whatever this says (see hu.ts). */
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  slope: number;
  intercept: number;
  /** RescaleSlope or RescaleIntercept was absent and 1 or 0 was assumed. */
  rescaleDefaulted: boolean;
  /** PixelPaddingValue (to PixelPaddingRangeLimit): stored values that mark pixels outside the scan. */
  padding?: { low: number; high: number };
}

/** The raw sample containers of one frame, row by row (i fastest), before masking to bitsStored. */
export type StoredValues = Uint8Array | Uint16Array;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes the single frame of a slice's PixelData. Uncompressed 8-bit data and aligned 16-bit data are
 * returned as views on the file's bytes (no copy); compressed data is decoded into one slice-sized buffer.
 * Throws DICOM_PARSE_ERROR (field PixelData) naming the file when the data is short or corrupt.
 */
export function decodeStoredValues(
  file: string,
  dataSet: DataSet,
  element: Element,
  format: PixelFormat,
): StoredValues {
  const pixelCount = format.rows * format.columns;
  const bytesPerSample = format.bitsAllocated === 8 ? 1 : 2;
  const fail = (why: string) => reject('DICOM_PARSE_ERROR', file, why, 'PixelData');
  if (format.encoding === 'native') {
    if (element.encapsulatedPixelData) {
      throw fail('encapsulated (compressed) pixel data in an uncompressed file');
    }
    const bytes = dataSet.byteArray;
    const needed = pixelCount * bytesPerSample;
    const available = Math.min(element.length, bytes.length - element.dataOffset);
    if (available < needed) throw fail(`pixel data has ${Math.max(available, 0)} bytes, ${needed} expected`);
    return nativeView(bytes.subarray(element.dataOffset, element.dataOffset + needed), bytesPerSample);
  }
  if (!element.encapsulatedPixelData || !element.fragments?.length) {
    throw fail(`${format.encoding} transfer syntax but the pixel data is not encapsulated`);
  }
  try {
    const frame = dicomParser.readEncapsulatedPixelDataFromFragments(
      dataSet,
      element,
      0,
      element.fragments.length,
    );
    if (format.encoding === 'rle') {
      return nativeView(decodeRleFrame(frame, pixelCount, bytesPerSample), bytesPerSample);
    }
    return decodeJpegLosslessFrame(frame, format.rows, format.columns);
  } catch (error) {
    throw fail(`cannot decode ${format.encoding} pixel data: ${parserErrorMessage(error)}`);
  }
}

/** Little-endian sample bytes as a typed array: a view when aligned on a little-endian host, else a copy. */
function nativeView(bytes: Uint8Array, bytesPerSample: 1 | 2): StoredValues {
  if (bytesPerSample === 1) return bytes;
  const count = bytes.length >> 1;
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 2 === 0) {
    return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  }
  if (HOST_IS_LITTLE_ENDIAN) return new Uint16Array(bytes.slice().buffer, 0, count);
  const values = new Uint16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) values[i] = view.getUint16(2 * i, true);
  return values;
}
