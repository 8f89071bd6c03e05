/** Bounding boxes of masks and cropping with edge replication (IBSI-1 section 2.4: nearest extrapolation). */
import type { Vec3 } from '../volume';
import type { Box, NumericArray } from './types';

/** Running extremes of the voxel coordinates seen (scalars: no allocation per voxel). */
export class VoxelExtent {
  private x0 = Infinity;
  private y0 = Infinity;
  private z0 = Infinity;
  private x1 = -1;
  private y1 = -1;
  private z1 = -1;
  add(i: number, j: number, k: number): void {
    if (i < this.x0) this.x0 = i;
    if (i > this.x1) this.x1 = i;
    if (j < this.y0) this.y0 = j;
    if (j > this.y1) this.y1 = j;
    if (k < this.z0) this.z0 = k;
    if (k > this.z1) this.z1 = k;
  }
  /** The smallest box holding every voxel added, or null when none was. */
  box(): Box | null {
    const { x0, y0, z0, x1, y1, z1 } = this;
    if (x1 < 0) return null;
    return { start: [x0, y0, z0], size: [x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1] };
  }
}

/**
 * The smallest box holding every non-zero voxel of `mask`, or null when the mask is empty. A byte mask is
 * scanned a word at a time (maskExtent); other element types voxel by voxel.
 */
export function maskBoundingBox(mask: NumericArray, dims: Vec3): Box | null {
  if (mask instanceof Uint8Array) return maskExtent(mask, dims).box;
  const extent = new VoxelExtent();
  const [nx, ny, nz] = dims;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, p++) if (mask[p] !== 0) extent.add(i, j, k);
  return extent.box();
}

/** 32-bit words OR-ed together before a block of the mask is looked into word by word. */
const SCAN_BLOCK_WORDS = 64;

export interface MaskExtent {
  /** Non-zero voxels. */
  count: number;
  /** Their bounding box; null when there are none. */
  box: Box | null;
}

/**
 * The non-zero voxels of a mask and their bounding box, in one scan. A CT-sized mask is mostly zero: it is
 * read a 32-bit word at a time, blocks of words are OR-ed together without branches, and only blocks holding
 * a set bit are looked into, one division per non-zero word rather than per voxel.
 */
export function maskExtent(data: Uint8Array, dims: Vec3): MaskExtent {
  const [nx, ny] = dims;
  const head = Math.min(data.length, (4 - (data.byteOffset % 4)) % 4);
  const wordCount = (data.length - head) >>> 2;
  const words = new Uint32Array(data.buffer, data.byteOffset + head, wordCount);
  let count = 0;
  let x0 = Infinity;
  let x1 = -1;
  let row0 = Infinity;
  let row1 = -1;
  let z0 = Infinity;
  let z1 = -1;
  let y0 = Infinity;
  let y1 = -1;
  const addBytes = (from: number, to: number): void => {
    for (let p = from; p < to; p++) {
      if (data[p] === 0) continue;
      count++;
      const i = p % nx;
      const row = (p - i) / nx;
      if (i < x0) x0 = i;
      if (i > x1) x1 = i;
      if (row < row0) row0 = row;
      if (row > row1) row1 = row;
      const j = row % ny;
      if (j < y0) y0 = j;
      if (j > y1) y1 = j;
    }
  };
  addBytes(0, head);
  for (let w0 = 0; w0 < wordCount; w0 += SCAN_BLOCK_WORDS) {
    const w1 = Math.min(w0 + SCAN_BLOCK_WORDS, wordCount);
    let any = 0;
    for (let w = w0; w < w1; w++) any |= words[w]!;
    if (any === 0) continue;
    for (let w = w0; w < w1; w++) {
      const word = words[w]!;
      if (word === 0) continue;
      const p = head + 4 * w;
      const i = p % nx;
      // A word within one row: its set bytes give the row's x extent directly.
      if (i + 3 >= nx) {
        addBytes(p, p + 4);
        continue;
      }
      const b0 = word & 0xff ? 1 : 0;
      const b1 = word & 0xff00 ? 1 : 0;
      const b2 = word & 0xff0000 ? 1 : 0;
      const b3 = word >>> 24 ? 1 : 0;
      count += b0 + b1 + b2 + b3;
      const first = b0 ? 0 : b1 ? 1 : b2 ? 2 : 3;
      const last = b3 ? 3 : b2 ? 2 : b1 ? 1 : 0;
      if (i + first < x0) x0 = i + first;
      if (i + last > x1) x1 = i + last;
      const row = (p - i) / nx;
      if (row < row0) row0 = row;
      if (row > row1) row1 = row;
      const j = row % ny;
      if (j < y0) y0 = j;
      if (j > y1) y1 = j;
    }
  }
  addBytes(head + 4 * wordCount, data.length);
  if (count === 0) return { count, box: null };
  z0 = Math.floor(row0 / ny);
  z1 = Math.floor(row1 / ny);
  return { count, box: { start: [x0, y0, z0], size: [x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1] } };
}

/**
 * Copies `box` out of `data` (dims `dims`) into a new Float64Array. The box may reach beyond the grid;
 * such voxels repeat the nearest edge voxel.
 */
export function cropReplicate(data: NumericArray, dims: Vec3, box: Box): Float64Array {
  const [sx, sy, sz] = box.size;
  const out = new Float64Array(sx * sy * sz);
  const clamp = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  const x0 = box.start[0];
  // The part of each row inside the grid is copied in one go; the rest repeats the row's end voxels.
  const first = clamp(x0, dims[0]);
  const last = clamp(x0 + sx - 1, dims[0]);
  for (let k = 0, q = 0; k < sz; k++) {
    const zk = clamp(box.start[2] + k, dims[2]) * dims[0] * dims[1];
    for (let j = 0; j < sy; j++, q += sx) {
      const row = zk + clamp(box.start[1] + j, dims[1]) * dims[0];
      const left = data[row + first]!;
      const right = data[row + last]!;
      for (let i = 0; i < first - x0; i++) out[q + i] = left;
      out.set(data.subarray(row + first, row + last + 1), q + first - x0);
      for (let i = last - x0 + 1; i < sx; i++) out[q + i] = right;
    }
  }
  return out;
}

/** Copies `box` (inside the grid) of a typed array into a new array of the same kind. */
export function cropBox<T extends NumericArray>(data: T, dims: Vec3, box: Box): T {
  const [sx, sy, sz] = box.size;
  const out = new (data.constructor as new (length: number) => T)(sx * sy * sz);
  for (let k = 0, q = 0; k < sz; k++) {
    for (let j = 0; j < sy; j++, q += sx) {
      const from = box.start[0] + dims[0] * (box.start[1] + j + dims[1] * (box.start[2] + k));
      out.set(data.subarray(from, from + sx), q);
    }
  }
  return out;
}

/** Writes `values` (a box-sized array, i fastest) into `box` of `data`: the inverse of cropBox. */
export function pasteBox<T extends NumericArray>(data: T, dims: Vec3, box: Box, values: T): void {
  const [sx, sy, sz] = box.size;
  for (let k = 0, q = 0; k < sz; k++) {
    for (let j = 0; j < sy; j++, q += sx) {
      const to = box.start[0] + dims[0] * (box.start[1] + j + dims[1] * (box.start[2] + k));
      data.set(values.subarray(q, q + sx), to);
    }
  }
}
