import type { Dimensionality, DiscretisedRoi, Features } from '../types';
import { GLDZM_NAMES, sizeAndDistanceZoneMatrices } from './gldzm';
import { GLSZM_NAMES } from './glszm';
import type { CountMatrix } from './zones-matrix';
import { aggregate, countMatrixFeatures, mergeCountMatrices } from './zones-matrix';

/**
 * GLSZM (`szm_*`) and GLDZM (`dzm_*`) features for the requested aggregations, as glszmFeatures and
 * gldzmFeatures give them, from one zone labelling per planarity instead of one per family: labelling is
 * their dominant cost in time and memory.
 */
export function sizeAndDistanceZoneFeatures(
  roi: DiscretisedRoi,
  morphologicalMask: Uint8Array,
  dims: readonly Dimensionality[],
): Features {
  const matrices = new Map<boolean, { glszm: CountMatrix[]; gldzm: CountMatrix[] }>();
  const of = (planar: boolean) => {
    let m = matrices.get(planar);
    if (!m) matrices.set(planar, (m = sizeAndDistanceZoneMatrices(roi, morphologicalMask, planar)));
    return m;
  };
  const family = (which: 'glszm' | 'gldzm', prefix: string, names: readonly string[]) =>
    aggregate(dims, {
      slices: () => of(true)[which],
      volume: () => of(false)[which][0] ?? mergeCountMatrices([], roi.levelCount),
      merge: (ms) => mergeCountMatrices(ms, roi.levelCount),
      features: countMatrixFeatures,
      prefix,
      names,
    });
  return { ...family('glszm', 'szm', GLSZM_NAMES), ...family('gldzm', 'dzm', GLDZM_NAMES) };
}
