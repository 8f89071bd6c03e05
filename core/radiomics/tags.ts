import type { Mask } from '../imaging/mask';
import type { Volume } from '../imaging/volume';
import { extractRadiomics } from './extract';
import { profileSettings } from './profiles';

/** A 6 mm cube of varied soft-tissue HU: inside every profile's re-segmentation range, 216 voxels. */
const PROBE_SIDE = 6;

const known = new Map<string, ReadonlySet<string>>();

/**
 * Every tag `extractRadiomics` gives under a named profile (`cm_contrast_3D_avg`, `original_glcm_Contrast`):
 * found by extracting a small probe region once per profile (a few ms), so the list cannot drift from the
 * feature code. Tags whose value the probe leaves undefined are included: a study may well define them.
 */
export function radiomicsTags(profile: string): ReadonlySet<string> {
  let tags = known.get(profile);
  if (!tags) {
    const result = extractRadiomics(probeVolume(), probeMask(), profileSettings(profile));
    tags = new Set([...Object.keys(result.features), ...result.undefinedFeatures]);
    known.set(profile, tags);
  }
  return tags;
}

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

function probeVolume(): Volume {
  const data = new Int16Array(PROBE_SIDE ** 3);
  // Spread over 20–199 HU so every texture family sees several grey levels.
  for (let n = 0; n < data.length; n++) data[n] = 20 + ((n * 37) % 180);
  return { dims: [PROBE_SIDE, PROBE_SIDE, PROBE_SIDE], spacing: [1, 1, 1], affine: IDENTITY, data };
}

function probeMask(): Mask {
  return {
    dims: [PROBE_SIDE, PROBE_SIDE, PROBE_SIDE],
    affine: IDENTITY,
    data: new Uint8Array(PROBE_SIDE ** 3).fill(1),
  };
}
