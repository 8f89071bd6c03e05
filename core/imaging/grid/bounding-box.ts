/** Bounding boxes of masks and cropping with edge replication (IBSI-1 section 2.4: nearest extrapolation). */
import type { Vec3 } from '../volume';
import type { Box, NumericArray } from './types';

/** 32-bit words OR-ed together before a block of the mask is looked into voxel by voxel. */
const SCAN_BLOCK_WORDS = 64;

/** Running extremes of the voxel coordinates seen (scalars: no allocation per voxel), on a grid nx × ny × …. */
export class VoxelExtent {
  private x0 = Infinity;
  private y0 = Infinity;
  private z0 = Infinity;
  private x1 = -1;
  private y1 = -1;
  private z1 = -1;
  constructor(
    private readonly nx: number,
    private readonly ny: number,
  ) {}
  /** Adds the voxel at linear index `p` (i fastest). */
  add(p: number): void {
    const i = p % this.nx;
    const row = (p - i) / this.nx;
    const j = row % this.ny;
    this.addVoxel(i, j, (row - j) / this.ny);
  }
  addVoxel(i: number, j: number, k: number): void {
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
 * The smallest box holding every non-zero voxel of `mask`, or null when the mask is empty. Masks of
 * ≤ 4-byte elements are scanned a 32-bit word at a time: a CT-sized mask is mostly zero words.
 */
export function maskBoundingBox(mask: NumericArray, dims: Vec3): Box | null {
  const extent = new VoxelExtent(dims[0], dims[1]);
  const n = dims[0] * dims[1] * dims[2];
  const perWord = 4 / mask.BYTES_PER_ELEMENT;
  let scalarFrom = 0;
  if (Number.isInteger(perWord) && mask.byteOffset % 4 === 0) {
    const words = new Uint32Array(mask.buffer, mask.byteOffset, Math.floor(n / perWord));
    // OR-reduce blocks of words without branching; only blocks holding a set bit are looked into.
    for (let w0 = 0; w0 < words.length; w0 += SCAN_BLOCK_WORDS) {
      const w1 = Math.min(w0 + SCAN_BLOCK_WORDS, words.length);
      let any = 0;
      for (let w = w0; w < w1; w++) any |= words[w]!;
      if (any === 0) continue;
      for (let p = w0 * perWord, end = w1 * perWord; p < end; p++) if (mask[p] !== 0) extent.add(p);
    }
    scalarFrom = words.length * perWord;
  }
  for (let p = scalarFrom; p < n; p++) if (mask[p] !== 0) extent.add(p);
  return extent.box();
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
