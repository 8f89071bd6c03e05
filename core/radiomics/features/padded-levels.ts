import type { DiscretisedRoi, GreyLevels } from '../types';
import { padGrid, type PaddedGrid } from '../../imaging/grid/padded-grid';

interface CachedGrid {
  grid: PaddedGrid;
  hash: number;
}
const gridCache = new WeakMap<GreyLevels, Map<number, CachedGrid>>();

/**
 * FNV-style hash of the levels (one pass, far cheaper than padding and its garbage); checks 0 ≤ level ≤ Ng.
 * 16-bit levels are read two to a 32-bit word, into two interleaved hash lanes: a quarter of the dependent
 * multiply chain of one lane per level.
 */
function hashLevels(roi: DiscretisedRoi): number {
  const { levels, levelCount } = roi;
  if (levels instanceof Uint16Array && levels.byteOffset % 4 === 0) return hashLevelPairs(levels, levelCount);
  let h = 0x811c9dc5;
  let bad = 0;
  for (let n = 0; n < levels.length; n++) {
    const level = levels[n] as number;
    bad |= level < 0 || level > levelCount ? 1 : 0;
    h = Math.imul(h ^ level, 0x01000193);
  }
  if (bad) throw outOfRange(levelCount);
  return h;
}

function hashLevelPairs(levels: Uint16Array, levelCount: number): number {
  const words = new Uint32Array(levels.buffer, levels.byteOffset, levels.length >>> 1);
  let h0 = 0x811c9dc5;
  let h1 = 0x01000193;
  let bad = 0;
  let w = 0;
  for (; w + 1 < words.length; w += 2) {
    const a = words[w]!;
    const b = words[w + 1]!;
    bad |=
      +((a & 0xffff) > levelCount) |
      +(a >>> 16 > levelCount) |
      +((b & 0xffff) > levelCount) |
      +(b >>> 16 > levelCount);
    h0 = Math.imul(h0 ^ a, 0x01000193);
    h1 = Math.imul(h1 ^ b, 0x01000193);
  }
  let h = Math.imul(h0 ^ h1, 0x01000193);
  // The last word of an odd word count, and the last level of an odd length.
  for (let n = 2 * w; n < levels.length; n++) {
    const level = levels[n]!;
    bad |= +(level > levelCount);
    h = Math.imul(h ^ level, 0x01000193);
  }
  if (bad) throw outOfRange(levelCount);
  return h;
}

function outOfRange(levelCount: number): Error {
  return new Error(`DiscretisedRoi: grey levels must lie in 0 … levelCount (${levelCount})`);
}

/**
 * padGrid of a DiscretisedRoi's levels, cached per levels array and padding so that the GLSZM, GLDZM, NGTDM
 * and NGLDM of one ROI pad it once. A hash of the levels guards against arrays reused with new content. The
 * returned grid is shared: treat it as read-only.
 */
export function paddedLevels(roi: DiscretisedRoi, pad: number): PaddedGrid {
  let byPad = gridCache.get(roi.levels);
  if (!byPad) gridCache.set(roi.levels, (byPad = new Map()));
  const hash = hashLevels(roi);
  const hit = byPad.get(pad);
  if (hit && hit.hash === hash && hit.grid.dims.every((d, n) => d === roi.dims[n])) return hit.grid;
  const grid = padGrid(roi.levels, roi.dims, pad);
  byPad.set(pad, { grid, hash });
  return grid;
}
