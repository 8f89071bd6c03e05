/**
 * Builds NIfTI-1 / NIfTI-2 files byte by byte for tests, with its own copy of the header offsets (from
 * nifti1.h / nifti2.h) so that a layout mistake in the reader cannot hide behind a shared constant.
 */
import { gzipSync } from 'node:zlib';

export const DT = {
  binary: 1,
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  complex64: 32,
  float64: 64,
  rgb24: 128,
  int8: 256,
  uint16: 512,
  uint32: 768,
  int64: 1024,
  uint64: 1280,
  float128: 1536,
  complex128: 1792,
  complex256: 2048,
  rgba32: 2304,
} as const;

const BYTES: Record<number, number> = {
  1: 1,
  2: 1,
  4: 2,
  8: 4,
  16: 4,
  32: 8,
  64: 8,
  128: 3,
  256: 1,
  512: 2,
  768: 4,
  1024: 8,
  1280: 8,
  1536: 16,
  1792: 16,
  2048: 32,
  2304: 4,
};

export interface NiftiSpec {
  version?: 1 | 2;
  littleEndian?: boolean;
  /** Spatial (and more) sizes; dim[0] is their count unless `dim0` says otherwise. */
  dims?: number[];
  dim0?: number;
  datatype?: number;
  bitpix?: number;
  /** pixdim[0..]: qfac then voxel sizes. */
  pixdim?: number[];
  voxOffset?: number;
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: number[];
  qoffset?: number[];
  srow?: number[];
  xyztUnits?: number;
  magic?: string;
  sizeofHdr?: number;
  /** Voxel values, written in `datatype`; default zeros for every voxel. */
  values?: ArrayLike<number>;
  /** Bytes placed between the header and vox_offset (an extension block, say). */
  gap?: Uint8Array;
}

function setValue(view: DataView, offset: number, datatype: number, value: number, le: boolean): void {
  switch (datatype) {
    case DT.uint8:
      return view.setUint8(offset, value);
    case DT.int8:
      return view.setInt8(offset, value);
    case DT.int16:
      return view.setInt16(offset, value, le);
    case DT.uint16:
      return view.setUint16(offset, value, le);
    case DT.int32:
      return view.setInt32(offset, value, le);
    case DT.uint32:
      return view.setUint32(offset, value, le);
    case DT.float32:
      return view.setFloat32(offset, value, le);
    case DT.float64:
      return view.setFloat64(offset, value, le);
    case DT.int64:
      return view.setBigInt64(offset, BigInt(value), le);
    default:
      for (let n = 0; n < (BYTES[datatype] ?? 1); n++) view.setUint8(offset + n, value & 0xff);
  }
}

/** A single-file NIfTI; defaults: NIfTI-1, little-endian, 2×3×4 int16 RAS 1 mm, sform and qform code 0. */
export function buildNifti(spec: NiftiSpec = {}): Uint8Array {
  const version = spec.version ?? 1;
  const le = spec.littleEndian ?? true;
  const dims = spec.dims ?? [2, 3, 4];
  const datatype = spec.datatype ?? DT.int16;
  const bytesPer = BYTES[datatype] ?? 1;
  const headerSize = version === 1 ? 348 : 540;
  const voxOffset = spec.voxOffset ?? headerSize + 4 + (spec.gap?.length ?? 0);
  const count = dims.reduce((a, b) => a * b, 1);
  const values = spec.values ?? new Array<number>(count).fill(0);
  // Data never overwrite the header, even when vox_offset (under test) points into it.
  const dataOffset = Math.max(Math.ceil(voxOffset), headerSize + 4);
  // Without values, just the header (and gap): vox_offset may point far beyond it.
  const size =
    values.length === 0 ? headerSize + 4 + (spec.gap?.length ?? 0) : dataOffset + values.length * bytesPer;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const w = version === 2;
  const int16 = (o: number, v: number): void => view.setInt16(o, v, le);
  const int32 = (o: number, v: number): void => view.setInt32(o, v, le);
  const wideInt = (o: number, v: number): void => (w ? view.setBigInt64(o, BigInt(v), le) : int16(o, v));
  const real = (o: number, v: number): void => (w ? view.setFloat64(o, v, le) : view.setFloat32(o, v, le));
  const reals = (o: number, vs: number[]): void => vs.forEach((v, n) => real(o + n * (w ? 8 : 4), v));
  const ascii = (o: number, s: string): void => [...s].forEach((c, n) => (bytes[o + n] = c.charCodeAt(0)));

  int32(0, spec.sizeofHdr ?? headerSize);
  const dim = [spec.dim0 ?? dims.length, ...dims, 1, 1, 1, 1, 1, 1, 1].slice(0, 8);
  dim.forEach((d, n) => wideInt((w ? 16 : 40) + n * (w ? 8 : 2), d));
  int16(w ? 12 : 70, datatype);
  int16(w ? 14 : 72, spec.bitpix ?? bytesPer * 8);
  reals(w ? 104 : 76, [...(spec.pixdim ?? [1, 1, 1, 1]), 1, 1, 1, 1, 1, 1, 1, 1].slice(0, 8));
  if (w) view.setBigInt64(168, BigInt(voxOffset), le);
  else view.setFloat32(108, voxOffset, le);
  real(w ? 176 : 112, spec.sclSlope ?? 1);
  real(w ? 184 : 116, spec.sclInter ?? 0);
  (w ? int32 : int16)(w ? 344 : 252, spec.qformCode ?? 0);
  (w ? int32 : int16)(w ? 348 : 254, spec.sformCode ?? 0);
  reals(w ? 352 : 256, spec.quatern ?? [0, 0, 0]);
  reals(w ? 376 : 268, spec.qoffset ?? [0, 0, 0]);
  reals(w ? 400 : 280, spec.srow ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  if (w) int32(500, spec.xyztUnits ?? 2);
  else bytes[123] = spec.xyztUnits ?? 2;
  ascii(w ? 4 : 344, spec.magic ?? (w ? 'n+2\0\r\n\x1a\n' : 'n+1\0'));
  if (spec.gap) bytes.set(spec.gap, headerSize + 4);
  for (let n = 0; n < values.length; n++) {
    setValue(view, dataOffset + n * bytesPer, datatype, values[n] as number, le);
  }
  return bytes;
}

export function gz(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}
