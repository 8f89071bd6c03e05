/**
 * Writing the pipeline's NIfTI-1 files: `volume.nii.gz` (int16 HU) and `mask.nii.gz` (uint8 labels on the
 * volume's grid). Little-endian, single file (vox_offset 352), mm units, and the affine stored twice:
 * exactly (to float32) as the sform and as the nearest shear-free qform, both with code 1 (scanner), so
 * every reader finds the same orientation whichever it prefers.
 */
import { constants as zlibConstants, gzipSync } from 'node:zlib';
import { determinant3, linearPart } from '../orientation';
import type { Affine, Vec3 } from '../volume';
import type { Box } from '../grid/types';
import { quaternionForm } from './affine';
import { NIFTI_DATATYPE_CODES } from './datatypes';
import {
  DESCRIP_LENGTH,
  NIFTI1,
  NIFTI1_HEADER_SIZE,
  NIFTI1_MAGIC_SINGLE,
  NIFTI1_MIN_DATA_OFFSET,
  NIFTI_UNITS_MM,
  NIFTI_XFORM_SCANNER_ANAT,
} from './layout';
import { gzipMostlyZero } from './sparse-gzip';
import { assertLittleEndianHost } from './voxels';

/** A grid to write: a `Volume` (int16 HU) or a mask (`{ dims, affine, data: Uint8Array }`). */
export interface NiftiWritable {
  dims: Vec3;
  /** Voxel-to-world, RAS+ mm, row-major 4×4. */
  affine: Affine;
  /** i fastest; int16 is written as NIFTI_TYPE_INT16, uint8 as NIFTI_TYPE_UINT8. */
  data: Int16Array | Uint8Array;
}

export interface EncodeNiftiOptions {
  /** `descrip`: at most 80 ASCII characters, e.g. the software and version that wrote the file. */
  description?: string;
}

export interface EncodeNiftiGzOptions extends EncodeNiftiOptions {
  /** zlib level 1 (fast) to 9 (small). Default: DEFAULT_GZIP_LEVEL. The output is deterministic (gzip mtime 0). */
  level?: number;
  /**
   * A box of the grid the data is 0 outside of (a mask's bounding box; null: all 0), taken on trust: the
   * data outside it is not read (sparse-gzip.ts).
   */
  zeroOutside?: Box | null;
}

/**
 * Noisy CT barely compresses better at higher levels: on a 512×512×300 phantom level 1 gave 0.506 of the raw
 * size in 3.4 s, level 6 gave 0.493 in 5.3 s. Validate pays for every second in a 3 GB function.
 */
const DEFAULT_GZIP_LEVEL = 1;

/**
 * A mask is mostly long runs of 0: run-length matching alone finds them. On the 512×512×300 phantom's
 * pancreas mask (78.6 MB) Z_RLE at level 1 took 30 ms for 83 kB, the default strategy 33 ms for 357 kB.
 */
const MASK_GZIP_STRATEGY = zlibConstants.Z_RLE;

/** nifti1_io's quatern_to_mat44 reads a = 0 below this value of 1 − b² − c² − d². */
const NIFTI1_IO_ZERO_A = 1e-7;

/** NIfTI-1 stores dims as int16. */
const NIFTI1_MAX_DIM = 32767;

function checkWritable({ dims, affine, data }: NiftiWritable): void {
  if (!dims.every((d) => Number.isInteger(d) && d >= 1 && d <= NIFTI1_MAX_DIM)) {
    throw new Error(`encodeNifti: dims ${dims.join('×')} must be whole numbers from 1 to ${NIFTI1_MAX_DIM}`);
  }
  if (data.length !== dims[0] * dims[1] * dims[2]) {
    throw new Error(`encodeNifti: ${data.length} voxels given for dims ${dims.join('×')}`);
  }
  if (affine.length !== 16 || !affine.every(Number.isFinite) || determinant3(linearPart(affine)) === 0) {
    throw new Error('encodeNifti: the affine must be 16 finite numbers with a non-singular 3×3 part');
  }
}

/**
 * (b, c, d) as stored float32. For a 180° rotation (a = 0: LPS-like grids) float32 rounding can leave
 * b² + c² + d² just under 1; nifti1_io still reads a = 0 (it rounds 1 − b² − c² − d² < 1e-7 to 0) but
 * nibabel takes a = √(1 − b² − c² − d²) ≈ 3e-4. Nudging the largest component up an ulp or two makes
 * both read a = 0 (nibabel accepts a sum up to 3 float32 eps above 1).
 */
export function storedQuaternion(quatern: Vec3): Vec3 {
  const q = quatern.map(Math.fround) as Vec3;
  const deficit = (): number => 1 - (q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
  if (deficit() >= NIFTI1_IO_ZERO_A) return q;
  const largest = [0, 1, 2].reduce((best, n) => (Math.abs(q[n]!) > Math.abs(q[best]!) ? n : best), 0);
  for (let step = 0; step < 4 && deficit() > 0; step++)
    q[largest] = Math.fround(q[largest]! * (1 + 2 ** -23));
  return q;
}

function writeAscii(bytes: Uint8Array, offset: number, text: string, maxLength: number): void {
  for (let n = 0; n < Math.min(text.length, maxLength); n++) {
    const code = text.charCodeAt(n);
    bytes[offset + n] = code < 0x80 ? code : 0x3f; // '?' for anything outside ASCII
  }
}

function writeHeader(bytes: Uint8Array, image: NiftiWritable, options: EncodeNiftiOptions): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, NIFTI1_MIN_DATA_OFFSET);
  const le = true;
  const isMask = image.data instanceof Uint8Array;
  const { quatern, qoffset, qfac, spacing } = quaternionForm(image.affine);
  view.setInt32(NIFTI1.sizeofHdr, NIFTI1_HEADER_SIZE, le);
  [3, ...image.dims, 1, 1, 1, 1].forEach((d, n) => view.setInt16(NIFTI1.dim + 2 * n, d, le));
  view.setInt16(NIFTI1.datatype, isMask ? NIFTI_DATATYPE_CODES.uint8 : NIFTI_DATATYPE_CODES.int16, le);
  view.setInt16(NIFTI1.bitpix, isMask ? 8 : 16, le);
  [qfac, ...spacing, 1, 1, 1, 1].forEach((p, n) => view.setFloat32(NIFTI1.pixdim + 4 * n, p, le));
  view.setFloat32(NIFTI1.voxOffset, NIFTI1_MIN_DATA_OFFSET, le);
  view.setFloat32(NIFTI1.sclSlope, 1, le);
  view.setFloat32(NIFTI1.sclInter, 0, le);
  bytes[NIFTI1.xyztUnits] = NIFTI_UNITS_MM;
  writeAscii(bytes, NIFTI1.descrip, options.description ?? '', DESCRIP_LENGTH);
  view.setInt16(NIFTI1.qformCode, NIFTI_XFORM_SCANNER_ANAT, le);
  view.setInt16(NIFTI1.sformCode, NIFTI_XFORM_SCANNER_ANAT, le);
  storedQuaternion(quatern).forEach((q, n) => view.setFloat32(NIFTI1.quatern + 4 * n, q, le));
  qoffset.forEach((q, n) => view.setFloat32(NIFTI1.qoffset + 4 * n, q, le));
  image.affine.slice(0, 12).forEach((v, n) => view.setFloat32(NIFTI1.srow + 4 * n, v, le));
  writeAscii(bytes, NIFTI1.magic, NIFTI1_MAGIC_SINGLE, 4);
}

/** Buffers made by `uint8WithHeaderRoom`: their first 352 bytes are free for a header. */
const withHeaderRoom = new WeakSet<ArrayBufferLike>();

/**
 * A zeroed uint8 array (a mask to be written) placed after 352 free bytes of its own buffer:
 * `encodeNiftiGz` writes the header there and compresses header and data in place, without copying the
 * data into a new file buffer (78 MB for a 512×512×300 mask).
 */
export function uint8WithHeaderRoom(length: number): Uint8Array {
  const buffer = new ArrayBuffer(NIFTI1_MIN_DATA_OFFSET + length);
  withHeaderRoom.add(buffer);
  return new Uint8Array(buffer, NIFTI1_MIN_DATA_OFFSET, length);
}

/** The whole file over `data`'s own buffer, when `data` came from `uint8WithHeaderRoom`. */
function fileInPlace(data: NiftiWritable['data']): Uint8Array | undefined {
  const { buffer, byteOffset, byteLength } = data;
  const fits = byteOffset === NIFTI1_MIN_DATA_OFFSET && byteLength === buffer.byteLength - byteOffset;
  return fits && withHeaderRoom.has(buffer) ? new Uint8Array(buffer) : undefined;
}

/**
 * An uncompressed NIfTI-1 file (.nii). Memory: one output buffer (352 bytes + the data), the data copied
 * once into it.
 */
export function encodeNifti(image: NiftiWritable, options: EncodeNiftiOptions = {}): Uint8Array {
  checkWritable(image);
  const { data } = image;
  const bytes = new Uint8Array(NIFTI1_MIN_DATA_OFFSET + data.byteLength);
  writeHeader(bytes, image, options);
  // The file is little-endian, as the host is: the data bytes go in as they are.
  assertLittleEndianHost();
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), NIFTI1_MIN_DATA_OFFSET);
  return bytes;
}

/**
 * A gzip-compressed NIfTI-1 file (.nii.gz); the uncompressed file exists only while compressing, or not at
 * all for data from `uint8WithHeaderRoom` (the header is written into its room). Uint8 data (masks) is
 * compressed with Z_RLE.
 */
export function encodeNiftiGz(image: NiftiWritable, options: EncodeNiftiGzOptions = {}): Uint8Array {
  const inPlace = fileInPlace(image.data);
  let file: Uint8Array;
  if (inPlace) {
    checkWritable(image);
    inPlace.fill(0, 0, NIFTI1_MIN_DATA_OFFSET); // a header written before leaves nothing behind
    writeHeader(inPlace, image, options);
    file = inPlace;
  } else file = encodeNifti(image, options);
  const level = options.level ?? DEFAULT_GZIP_LEVEL;
  const isMask = image.data instanceof Uint8Array;
  const zlibOptions = isMask ? { level, strategy: MASK_GZIP_STRATEGY } : { level };
  if (options.zeroOutside === undefined) return gzipSync(file, zlibOptions);
  const [from, to] = byteRange(image, options.zeroOutside);
  return gzipMostlyZero(file, NIFTI1_MIN_DATA_OFFSET, from, to, zlibOptions);
}

/** File bytes from the first to past the last voxel of `box` (an empty range for null). */
function byteRange({ dims, data }: NiftiWritable, box: Box | null): [number, number] {
  if (box === null) return [NIFTI1_MIN_DATA_OFFSET, NIFTI1_MIN_DATA_OFFSET];
  const index = (i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);
  const end = box.start.map((s, a) => s + box.size[a]! - 1);
  if (!box.start.every((s, a) => s >= 0 && end[a]! < dims[a]! && end[a]! >= s)) {
    throw new RangeError(`encodeNiftiGz: zeroOutside box is not inside the ${dims.join('×')} grid`);
  }
  const first = index(...box.start);
  const last = index(end[0]!, end[1]!, end[2]!);
  const bytes = data.BYTES_PER_ELEMENT;
  return [NIFTI1_MIN_DATA_OFFSET + first * bytes, NIFTI1_MIN_DATA_OFFSET + (last + 1) * bytes];
}
