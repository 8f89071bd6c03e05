import type { DiscretisedRoi, Dimensionality, Features } from '../types';
import { glszmZoneColumnMatrices } from './glszm';
import { edgeDistanceMap } from '../../imaging/grid/zones';
import { unionZones } from './zone-union';
import { paddedLevels } from './padded-levels';
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
  return sizeAndDistanceZoneMatrices(roi, morphologicalMask, planar).gldzm;
}

/**
 * The GLSZM and the GLDZM share their zones: one labelling gives both, each zone counted by its size in the
 * one and by its smallest edge distance in the other.
 */
export function sizeAndDistanceZoneMatrices(
  roi: DiscretisedRoi,
  morphologicalMask: Uint8Array,
  planar: boolean,
): { glszm: CountMatrix[]; gldzm: CountMatrix[] } {
  if (morphologicalMask.length !== roi.levels.length) {
    throw new Error(
      `gldzm: morphological mask has ${morphologicalMask.length} voxels, ROI ${roi.levels.length}`,
    );
  }
  const grid = paddedLevels(roi, 1);
  const zones = unionZones(grid, planar, edgeDistanceMap(grid, planar, morphologicalMask));
  const { size } = zones;
  const minDistance = zones.minDistance as Int32Array;
  return {
    glszm: glszmZoneColumnMatrices(grid, zones, roi.levelCount, planar, (z) => size[z] as number),
    gldzm: glszmZoneColumnMatrices(grid, zones, roi.levelCount, planar, (z) => minDistance[z] as number),
  };
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
