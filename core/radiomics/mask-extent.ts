import type { Vec3 } from '../imaging/volume';
import type { Box } from '../imaging/grid/types';

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
