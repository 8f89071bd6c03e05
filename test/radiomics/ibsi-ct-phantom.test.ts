import { describe, expect, it } from 'vitest';
import { runIbsiCompliance, type ConfigCompliance } from '../../local/radiomics-compliance';
import { IBSI_DIR, ibsiDataPresent } from '../support/ibsi-data';

/**
 * Reference rows that do not yet match, per configuration, each with its cause. Kept exact both ways: a new
 * failure fails the test, and so does a listed row that starts to pass (then remove it from the list).
 */
const KNOWN_DEVIATIONS: Record<string, string[]> = {
  // Moran's I and Geary's C over 114,596 voxels: exact would take ~30 s, so the profile samples 2,000 voxels
  // (see IBSI_EXACT_AUTOCORRELATION in core/radiomics/profiles.ts); exact values match (0.0322, 0.863).
  A: ['morph_moran_i', 'morph_geary_c'],
  B: [],
  C: [],
  D: [],
  E: [],
};

const SUITE = 'IBSI-1 CT phantom, configurations A–E';
const available = ibsiDataPresent(SUITE, [
  'ct_phantom/nifti/image/phantom.nii.gz',
  'ct_phantom/nifti/mask/mask.nii.gz',
  'ct_phantom_reference.csv',
]);

describe.skipIf(!available)(SUITE, () => {
  let results: ConfigCompliance[] = [];
  it('runs every configuration', () => {
    results = runIbsiCompliance(IBSI_DIR);
    expect(results.map((r) => r.config)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(results.map((r) => r.rows.length)).toEqual([346, 346, 209, 210, 210]);
  });

  it.each(['A', 'B', 'C', 'D', 'E'])(
    'configuration %s: every reference value within tolerance but the listed deviations',
    (config) => {
      const result = results.find((r) => r.config === config)!;
      const failing = result.rows.filter((r) => !r.pass).map((r) => r.tag);
      expect(failing.sort()).toEqual([...KNOWN_DEVIATIONS[config]!].sort());
    },
  );
});
