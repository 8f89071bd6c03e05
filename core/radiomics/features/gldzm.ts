import type { DiscretisedRoi, Dimensionality, Features } from '../types';
import { glszmZoneColumnMatrices } from './glszm';
import { edgeDistanceMap, labelZones } from './zones';
import { padGrid, paddedLevels } from './zones-grid';
import type { CountMatrix } from './zones-matrix';
import { aggregate, countMatrixFeatures, mergeCountMatrices } from './zones-matrix';

/** IBSI-1 3.9 feature names in countMatrixFeatures order (benchmark tags `dzm_<name>_<2D|2_5D|3D>`). */
export const GLDZM_NAMES = [
  'sde',
  'lde',
  'lgze',
  'hgze',
  'sdlge',
  'sdhge',
  'ldlge',
  'ldhge',
  'glnu',
  'glnu_norm',
  'zdnu',
  'zdnu_norm',
  'z_perc',
  'gl_var',
  'zd_var',
  'zd_entr',
] as const;

/**
 * Grey level distance zone matrices: cell (i, j) counts the zones of grey level i whose smallest distance to
 * the ROI edge is j. Zones come from the discretised intensity mask (as for the GLSZM); distances from the
 * morphological mask (IBSI-1 3.9): Manhattan distance to the nearest voxel outside it (the box border counts as
 * outside), 1 on the edge, in 3D (6-connected erosion) or within each slice (4-connected) when `planar`.
 * Intensity-mask voxels missing from the morphological mask are treated as part of it.
 */
export function gldzmMatrices(
  roi: DiscretisedRoi,
  morphologicalMask: Uint8Array,
  planar: boolean,
): CountMatrix[] {
  const { levels, dims } = roi;
  if (morphologicalMask.length !== levels.length) {
    throw new Error(`gldzm: morphological mask has ${morphologicalMask.length} voxels, ROI ${levels.length}`);
  }
  const grid = paddedLevels(roi, 1);
  const mask = new Uint8Array(levels.length);
  for (let n = 0; n < levels.length; n++) mask[n] = morphologicalMask[n] !== 0 || levels[n] !== 0 ? 1 : 0;
  const distance = edgeDistanceMap(padGrid(mask, dims, 1), planar);
  const zones = labelZones(grid, planar, distance);
  const zoneDistance = zones.minDistance as Int32Array;
  return glszmZoneColumnMatrices(grid, zones, roi.levelCount, planar, (z) => zoneDistance[z] as number);
}

/**
 * GLDZM features (`dzm_*`) for the requested aggregations: 2D averaged over slices, 2.5D merged, 3D. The
 * morphological mask covers the same box as `roi` (RoiImage.morphologicalMask).
 */
export function gldzmFeatures(
  roi: DiscretisedRoi,
  morphologicalMask: Uint8Array,
  dims: readonly Dimensionality[],
): Features {
  return aggregate(dims, {
    slices: () => gldzmMatrices(roi, morphologicalMask, true),
    volume: () => gldzmMatrices(roi, morphologicalMask, false)[0] ?? mergeCountMatrices([], roi.levelCount),
    merge: (ms) => mergeCountMatrices(ms, roi.levelCount),
    features: countMatrixFeatures,
    prefix: 'dzm',
    names: GLDZM_NAMES,
  });
}
