import { radiomicsSettingsSchema, type RadiomicsSettings, type RadiomicsSettingsInput } from './settings';

/**
 * Named settings. `pancreas` is the pipeline's default; `ibsi-config-a` … `-e` are the five IBSI-1 CT
 * phantom configurations (IBSI-1 docs/05_Reference_data_sets.rst), used by the compliance report;
 * `pyradiomics` reproduces PyRadiomics' default extraction (names, settings and conventions).
 */
/**
 * Exact Moran's I and Geary's C for the CT phantom's regions in configurations B–E (27,359–45,981 voxels,
 * 1.4–4.5 s each). Configuration A's 114,596 voxels would take about 30 s: it keeps the sampled estimate.
 */
const IBSI_EXACT_AUTOCORRELATION = 50_000;

const PROFILES: Record<string, RadiomicsSettingsInput> = {
  /**
   * Pancreas on portal-venous abdominal CT:
   * - 1 mm isotropic, linear: slice spacing varies between hospitals (0.6–5 mm); isotropic voxels make
   *   3D texture directions comparable and features reproducible across scanners.
   * - re-segmentation [-50, 250] HU: drops peripancreatic fat (about -100 HU) that the mask's edge takes in
   *   by partial volume, keeps what matters for severity: fluid and necrosis (0–30 HU), oedematous and
   *   normal parenchyma (20–60 HU) up to enhancing tissue (100–200 HU).
   * - fixed bin size 10 HU: 30 bins over that range, inside the 30–130 bins that keep texture matrices
   *   populated for a 50–100 mL organ, and the same HU meaning in every study (unlike FBN).
   */
  pancreas: {
    profile: 'pancreas',
    resampling: {
      spacingMm: [1, 1, 1],
      imageInterpolation: 'linear',
      roundIntensities: true,
      partialVolumeThreshold: 0.5,
    },
    resegmentation: { range: [-50, 250], outliers3Sigma: false },
    discretisation: { method: 'FBS', width: 10, anchor: 'ibsi' },
    dimensionality: ['3D'],
  },
  /**
   * PyRadiomics (v3) defaults, for models trained on its features: no resampling, no re-segmentation, no
   * rounding, fixed bin width 25 with edges at multiples of 25, 3D texture; its 107 default features under
   * its names (pyradiomics-names.ts).
   */
  pyradiomics: {
    profile: 'pyradiomics',
    convention: 'pyradiomics',
    discretisation: { method: 'FBS', width: 25, anchor: 'pyradiomics' },
    dimensionality: ['3D'],
  },
  // IBSI configurations: interpolation linear, rounded to integers, mask partial-volume threshold 0.5
  // (the settings' defaults) unless given.
  'ibsi-config-a': {
    profile: 'ibsi-config-a',
    resegmentation: { range: [-500, 400], outliers3Sigma: false },
    discretisation: { method: 'FBS', width: 25, anchor: 'ibsi' },
    dimensionality: ['2D', '2_5D'],
  },
  'ibsi-config-b': {
    profile: 'ibsi-config-b',
    autocorrelationMaxVoxels: IBSI_EXACT_AUTOCORRELATION,
    resampling: { spacingMm: [2, 2] },
    resegmentation: { range: [-500, 400], outliers3Sigma: false },
    discretisation: { method: 'FBN', bins: 32 },
    dimensionality: ['2D', '2_5D'],
  },
  'ibsi-config-c': {
    profile: 'ibsi-config-c',
    autocorrelationMaxVoxels: IBSI_EXACT_AUTOCORRELATION,
    resampling: { spacingMm: [2, 2, 2] },
    resegmentation: { range: [-1000, 400], outliers3Sigma: false },
    discretisation: { method: 'FBS', width: 25, anchor: 'ibsi' },
    ivhDiscretisation: { method: 'FBS', width: 2.5, anchor: 'ibsi' },
    dimensionality: ['3D'],
  },
  'ibsi-config-d': {
    profile: 'ibsi-config-d',
    autocorrelationMaxVoxels: IBSI_EXACT_AUTOCORRELATION,
    resampling: { spacingMm: [2, 2, 2] },
    resegmentation: { outliers3Sigma: true },
    discretisation: { method: 'FBN', bins: 32 },
    dimensionality: ['3D'],
  },
  'ibsi-config-e': {
    profile: 'ibsi-config-e',
    autocorrelationMaxVoxels: IBSI_EXACT_AUTOCORRELATION,
    resampling: { spacingMm: [2, 2, 2], imageInterpolation: 'cubic' },
    resegmentation: { range: [-1000, 400], outliers3Sigma: true },
    discretisation: { method: 'FBN', bins: 32 },
    ivhDiscretisation: { method: 'FBN', bins: 1000 },
    dimensionality: ['3D'],
  },
};

export const PROFILE_NAMES = Object.keys(PROFILES);
export const DEFAULT_PROFILE = 'pancreas';

/** The settings of a named profile; throws with the known names for an unknown one. */
export function profileSettings(name: string): RadiomicsSettings {
  const profile = PROFILES[name];
  if (!profile) throw new Error(`unknown radiomics profile "${name}": one of ${PROFILE_NAMES.join(', ')}`);
  return radiomicsSettingsSchema.parse(profile);
}
