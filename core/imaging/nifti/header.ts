/**
 * Decoding of the NIfTI-1 / NIfTI-2 header fields, in either byte order. Only structure is checked here
 * (size, magic, dim[0]); whether the image is a usable CT volume is `geometry.ts`'s job.
 */
import { reject } from '../../input/issues';
import type { Vec3 } from '../volume';
import {
  DESCRIP_LENGTH,
  NIFTI1,
  NIFTI1_HEADER_SIZE,
  NIFTI1_MAGIC_PAIR,
  NIFTI1_MAGIC_SINGLE,
  NIFTI2,
  NIFTI2_HEADER_SIZE,
  NIFTI2_MAGIC_PAIR,
  NIFTI2_MAGIC_SINGLE,
} from './layout';

/** The header fields this project uses, as stored (no unit conversion, no scaling applied). */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** 348 (NIfTI-1) or 540 (NIfTI-2). */
  headerSize: number;
  /** dim[0..7]: dim[0] is the number of dimensions, dim[1..dim[0]] their sizes. */
  dim: number[];
  /** pixdim[0..7]: pixdim[0] is qfac (±1), pixdim[1..3] the voxel size. */
  pixdim: number[];
  datatype: number;
  bitpix: number;
  /** Byte offset of the voxel data in the (uncompressed) file. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  /** quatern_b, quatern_c, quatern_d. */
  quatern: Vec3;
  /** qoffset_x, qoffset_y, qoffset_z. */
  qoffset: Vec3;
  /** srow_x, srow_y, srow_z: the first three rows of the sform affine (12 numbers). */
  srow: number[];
  xyztUnits: number;
  intentCode: number;
  description: string;
}

function latin1(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** 1 or 2 and the byte order, from `sizeof_hdr` read both ways; NIFTI_BAD_MAGIC when neither fits. */
export function detectVersion(
  bytes: Uint8Array,
  fileName: string,
): { version: 1 | 2; littleEndian: boolean } {
  if (bytes.length === 0) throw reject('FILE_EMPTY', fileName, 'the file is empty');
  if (bytes.length < 4) {
    throw reject(
      'NIFTI_TRUNCATED',
      fileName,
      `${bytes.length} bytes is shorter than any NIfTI header`,
      'sizeof_hdr',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === NIFTI1_HEADER_SIZE) return { version: 1, littleEndian };
    if (size === NIFTI2_HEADER_SIZE) return { version: 2, littleEndian };
  }
  throw reject(
    'NIFTI_BAD_MAGIC',
    fileName,
    `not a NIfTI file: sizeof_hdr is neither ${NIFTI1_HEADER_SIZE} (NIfTI-1) nor ${NIFTI2_HEADER_SIZE} (NIfTI-2) in either byte order`,
    'sizeof_hdr',
  );
}

function checkMagic(bytes: Uint8Array, version: 1 | 2, fileName: string): void {
  const [offset, single, pair] =
    version === 1
      ? [NIFTI1.magic, NIFTI1_MAGIC_SINGLE, NIFTI1_MAGIC_PAIR]
      : [NIFTI2.magic, NIFTI2_MAGIC_SINGLE, NIFTI2_MAGIC_PAIR];
  const magic = latin1(bytes, offset, single.length);
  if (magic === single) return;
  if (magic === pair) {
    throw reject(
      'NIFTI_BAD_MAGIC',
      fileName,
      'this is the header of a .hdr/.img pair; upload a single-file .nii or .nii.gz',
      'magic',
    );
  }
  throw reject(
    'NIFTI_BAD_MAGIC',
    fileName,
    `magic is ${JSON.stringify(magic)}, expected ${JSON.stringify(single)}`,
    'magic',
  );
}

/** Reads fields of one header version with the right widths. */
class FieldReader {
  private readonly view: DataView;
  constructor(
    bytes: Uint8Array,
    private readonly littleEndian: boolean,
    private readonly wide: boolean,
    private readonly fileName: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  int16(offset: number): number {
    return this.view.getInt16(offset, this.littleEndian);
  }
  int32(offset: number): number {
    return this.view.getInt32(offset, this.littleEndian);
  }
  /** int16 in NIfTI-1, int64 in NIfTI-2. */
  dimInt(offset: number, field: string): number {
    if (!this.wide) return this.int16(offset);
    const value = this.view.getBigInt64(offset, this.littleEndian);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw reject('NIFTI_BAD_HEADER', this.fileName, `${field} is ${value}, beyond any usable size`, field);
    }
    return Number(value);
  }
  /** float32 in NIfTI-1, float64 in NIfTI-2. */
  real(offset: number): number {
    return this.wide
      ? this.view.getFloat64(offset, this.littleEndian)
      : this.view.getFloat32(offset, this.littleEndian);
  }
  reals(offset: number, count: number): number[] {
    const step = this.wide ? 8 : 4;
    return Array.from({ length: count }, (_, n) => this.real(offset + n * step));
  }
}

/**
 * Decodes a NIfTI-1 or NIfTI-2 header from the first bytes of an uncompressed file (`bytes` may be just a
 * prefix). Accepts any dimensionality (1–7), so 4D and NIfTI-2 files can be inspected.
 */
export function parseNiftiHeader(bytes: Uint8Array, fileName: string): NiftiHeader {
  const { version, littleEndian } = detectVersion(bytes, fileName);
  const headerSize = version === 1 ? NIFTI1_HEADER_SIZE : NIFTI2_HEADER_SIZE;
  if (bytes.length < headerSize) {
    throw reject(
      'NIFTI_TRUNCATED',
      fileName,
      `the file ends after ${bytes.length} bytes, inside the ${headerSize}-byte NIfTI-${version} header`,
      'sizeof_hdr',
    );
  }
  checkMagic(bytes, version, fileName);
  const wide = version === 2;
  const at = wide ? NIFTI2 : NIFTI1;
  const r = new FieldReader(bytes, littleEndian, wide, fileName);
  const dimStep = wide ? 8 : 2;
  const dim = Array.from({ length: 8 }, (_, n) => r.dimInt(at.dim + n * dimStep, `dim[${n}]`));
  const intWide = (offset: number): number => (wide ? r.int32(offset) : r.int16(offset));
  const header: NiftiHeader = {
    version,
    littleEndian,
    headerSize,
    dim,
    pixdim: r.reals(at.pixdim, 8),
    datatype: r.int16(at.datatype),
    bitpix: r.int16(at.bitpix),
    voxOffset: wide ? r.dimInt(NIFTI2.voxOffset, 'vox_offset') : r.real(NIFTI1.voxOffset),
    sclSlope: r.real(at.sclSlope),
    sclInter: r.real(at.sclInter),
    qformCode: intWide(at.qformCode),
    sformCode: intWide(at.sformCode),
    quatern: r.reals(at.quatern, 3) as Vec3,
    qoffset: r.reals(at.qoffset, 3) as Vec3,
    srow: r.reals(at.srow, 12),
    xyztUnits: wide ? r.int32(NIFTI2.xyztUnits) : (bytes[NIFTI1.xyztUnits] as number),
    intentCode: intWide(at.intentCode),
    description: latin1(bytes, at.descrip, DESCRIP_LENGTH).replace(/\0.*$/s, ''),
  };
  checkDimensionCount(header, fileName);
  return header;
}

/** dim[0] says how many of dim[1..7] are used; each used size must be a positive count. */
function checkDimensionCount(header: NiftiHeader, fileName: string): void {
  const count = header.dim[0] as number;
  if (count < 1 || count > 7) {
    throw reject('NIFTI_BAD_HEADER', fileName, `dim[0] is ${count}; it must be 1 to 7`, 'dim');
  }
  for (let n = 1; n <= count; n++) {
    const size = header.dim[n] as number;
    if (size < 1)
      throw reject('NIFTI_BAD_HEADER', fileName, `dim[${n}] is ${size}; sizes must be ≥ 1`, 'dim');
  }
}
