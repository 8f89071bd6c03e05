import type { DiscretisedRoi, GreyLevels } from '../types';
import { padGrid, type PaddedGrid } from '../../imaging/grid/padded-grid';

interface CachedGrid {
  grid: PaddedGrid;
  hash: number;
}
const gridCache = new WeakMap<GreyLevels, Map<number, CachedGrid>>();

/** FNV-style hash of the levels (one pass, far cheaper than padding and its garbage); checks 0 ≤ level ≤ Ng. */
function hashLevels(roi: DiscretisedRoi): number {
  const { levels, levelCount } = roi;
  let h = 0x811c9dc5;
  let bad = 0;
  for (let n = 0; n < levels.length; n++) {
    const level = levels[n] as number;
    bad |= level < 0 || level > levelCount ? 1 : 0;
    h = Math.imul(h ^ level, 0x01000193);
  }
  if (bad) throw new Error(`DiscretisedRoi: grey levels must lie in 0 … levelCount (${levelCount})`);
  return h;
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
