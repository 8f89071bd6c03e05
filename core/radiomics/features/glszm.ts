import type { DiscretisedRoi, Dimensionality, Features } from '../types';
import { unionZones, type ZoneList } from './zone-union';
import type { PaddedGrid } from '../../imaging/grid/padded-grid';
import { paddedLevels } from './padded-levels';
import type { CountMatrix } from './zones-matrix';
import { CountAccumulator, aggregate, countMatrixFeatures, mergeCountMatrices } from './zones-matrix';

/** IBSI-1 3.8 feature names in countMatrixFeatures order (benchmark tags `szm_<name>_<2D|2_5D|3D>`). */
export const GLSZM_NAMES = [
  'sze',
  'lze',
  'lgze',
  'hgze',
  'szlge',
  'szhge',
  'lzlge',
  'lzhge',
  'glnu',
  'glnu_norm',
  'zsnu',
  'zsnu_norm',
  'z_perc',
  'gl_var',
  'zs_var',
  'zs_entr',
] as const;

/**
 * Grey level size zone matrices: cell (i, j) counts the zones of grey level i and size j. `planar` links voxels
 * with 8-connectivity within slices and returns one matrix per slice with ROI voxels; otherwise one matrix
 * with 26-connectivity.
 */
export function glszmMatrices(roi: DiscretisedRoi, planar: boolean): CountMatrix[] {
  const grid = paddedLevels(roi, 1);
  const zones = unionZones(grid, planar);
  return glszmZoneColumnMatrices(grid, zones, roi.levelCount, planar, (z) => zones.size[z] as number);
}

/**
 * Shared by GLSZM and GLDZM: one matrix (or one per slice when planar) with cell (level, column(zone)) += 1
 * per zone, and N_v the ROI voxels of the volume or of the slice.
 */
export function glszmZoneColumnMatrices(
  grid: PaddedGrid,
  zones: ZoneList,
  levelCount: number,
  planar: boolean,
  column: (zone: number) => number,
): CountMatrix[] {
  const nSlices = planar ? grid.dims[2] : 1;
  const acc = Array.from({ length: nSlices }, () => new CountAccumulator(levelCount));
  for (let z = 1; z <= zones.count; z++) {
    const a = acc[planar ? (zones.slice[z] as number) : 0] as CountAccumulator;
    a.add(zones.level[z] as number, column(z));
    a.voxelCount += zones.size[z] as number;
  }
  return acc.filter((a) => a.voxelCount > 0).map((a) => a.toMatrix());
}

/** GLSZM features (`szm_*`) for the requested aggregations: 2D averaged over slices, 2.5D merged, 3D. */
export function glszmFeatures(roi: DiscretisedRoi, dims: readonly Dimensionality[]): Features {
  return aggregate(dims, {
    slices: () => glszmMatrices(roi, true),
    volume: () => glszmMatrices(roi, false)[0] ?? mergeCountMatrices([], roi.levelCount),
    merge: (ms) => mergeCountMatrices(ms, roi.levelCount),
    features: countMatrixFeatures,
    prefix: 'szm',
    names: GLSZM_NAMES,
  });
}
