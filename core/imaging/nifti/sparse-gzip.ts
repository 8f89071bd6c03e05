/**
 * gzip of a file that is zero outside one byte range (a mask on a CT grid: the pancreas fills a few
 * slices of 300): the zero runs are not read. Their deflate form is made once from a small zero buffer
 * and repeated, since deflate segments that end in a full flush stand alone and may follow one another
 * (RFC 1951: blocks need not be in one call; a full flush leaves no back-reference across it). The output
 * is one ordinary gzip member (RFC 1952) any reader inflates. Reading 78 MB of never-written mask pages
 * costs more than compressing them (a page fault each 4 kB): 50 ms against 25 ms when warm.
 */
import { constants, crc32, deflateRawSync, type ZlibOptions } from 'node:zlib';

/** Zero bytes per repeated segment. */
const ZERO_CHUNK_BYTES = 1 << 20;
/** RFC 1952 header: ID1 ID2, CM = deflate, no flags, MTIME 0 (deterministic), XFL 0, OS 255 (unknown). */
const GZIP_HEADER = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
/** A final, empty block with fixed codes: BFINAL 1, BTYPE 01, end-of-block (RFC 1951 3.2.6). */
const FINAL_EMPTY_BLOCK = Uint8Array.of(0x03, 0x00);

const zeros = new Uint8Array(ZERO_CHUNK_BYTES);
const zeroSegments = new Map<string, Uint8Array>();

function segment(bytes: Uint8Array, options: ZlibOptions): Uint8Array {
  return deflateRawSync(bytes, { ...options, finishFlush: constants.Z_FULL_FLUSH });
}

/** The CRC-32 polynomial, reflected (RFC 1952 8.1.1.6). */
const CRC32_POLYNOMIAL = 0xedb88320;

/** `matrix` (32 columns over GF(2)) times `vector`. */
function gf2Times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let n = 0; vector !== 0; n++, vector >>>= 1) if (vector & 1) sum ^= matrix[n]!;
  return sum >>> 0;
}

function gf2Square(matrix: Uint32Array): Uint32Array<ArrayBuffer> {
  return matrix.map((column) => gf2Times(matrix, column));
}

/**
 * The CRC-32 of the bytes it was computed over followed by `count` zero bytes, without reading them: the
 * CRC register's step over a zero bit is linear, so `count` bytes of zeros are one matrix power, squared up
 * from the one-bit step (zlib's crc32_combine).
 */
export function crc32ZeroExtend(crc: number, count: number): number {
  let register = ~crc >>> 0;
  let step = Uint32Array.from({ length: 32 }, (_, n) => (n === 0 ? CRC32_POLYNOMIAL : 1 << (n - 1)));
  for (let bits = 0; bits < 3; bits++) step = gf2Square(step); // one zero byte
  for (let left = count; left > 0; left = Math.floor(left / 2)) {
    if (left % 2 === 1) register = gf2Times(step, register);
    step = gf2Square(step);
  }
  return ~register >>> 0;
}

/** Deflate segments of `length` zero bytes, and their running CRC-32 from `crc`. */
function zeroRun(length: number, options: ZlibOptions, crc: number): { parts: Uint8Array[]; crc: number } {
  const key = `${options.level}/${options.strategy}`;
  let whole = zeroSegments.get(key);
  if (!whole) zeroSegments.set(key, (whole = segment(zeros, options)));
  const parts: Uint8Array[] = [];
  let left = length;
  for (; left >= ZERO_CHUNK_BYTES; left -= ZERO_CHUNK_BYTES) parts.push(whole);
  if (left > 0) parts.push(segment(zeros.subarray(0, left), options));
  return { parts, crc: crc32ZeroExtend(crc, length) };
}

/**
 * gzip of `file`, which is zero outside its first `head` bytes and bytes `from` … `to` − 1 (head ≤ from ≤ to
 * ≤ file.length); the zeros between are not read.
 */
export function gzipMostlyZero(
  file: Uint8Array,
  head: number,
  from: number,
  to: number,
  options: ZlibOptions,
): Uint8Array {
  if (!(head >= 0 && head <= from && from <= to && to <= file.length)) {
    throw new RangeError(`gzipMostlyZero: ranges 0…${head}, ${from}…${to} do not fit ${file.length} bytes`);
  }
  const headBytes = file.subarray(0, head);
  const body = file.subarray(from, to);
  const before = zeroRun(from - head, options, crc32(headBytes));
  const middle = [segment(headBytes, options), ...before.parts, segment(body, options)];
  const after = zeroRun(file.length - to, options, crc32(body, before.crc));
  const trailer = new Uint8Array(8);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, after.crc, true);
  view.setUint32(4, file.length % 2 ** 32, true); // ISIZE: the length modulo 2³²
  const parts = [GZIP_HEADER, ...middle, ...after.parts, FINAL_EMPTY_BLOCK, trailer];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
