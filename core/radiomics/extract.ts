import type { Box } from '../imaging/grid/types';
import type { Mask } from '../imaging/mask';
import type { Vec3, Volume } from '../imaging/volume';
import { StepError } from '../pipeline/step-error';
import { glcmFeatures } from './features/glcm';
import { glrlmFeatures } from './features/glrlm';
import { intensityHistogramFeatures } from './features/histogram';
import { intensityVolumeFeatures } from './features/intensity-volume';
import { localIntensityFeatures, PEAK_RADIUS_MM } from './features/local-intensity';
import { morphologyFeatures } from './features/morphology';
import { ngldmFeatures } from './features/ngldm';
import { ngtdmFeatures } from './features/ngtdm';
import { intensityStatistics } from './features/statistics';
import { sizeAndDistanceZoneFeatures } from './features/zone-families';
import { checkMask, MIN_ROI_VOXELS } from './mask-checks';
import { pyradiomicsFeatures } from './pyradiomics-features';
import {
  discretiseFixedBinNumber,
  discretiseFixedBinSize,
  processRoi,
  type Discretisation,
  type ProcessingOptions,
} from './processing';
import type { RadiomicsSettings } from './settings';
import { textureBox } from './texture-box';
import type { DiscretisedRoi, Features, RoiImage } from './types';

/** Bumped whenever a change can alter a feature value; recorded with every result. */
export const ENGINE_VERSION = '0.1.0';

export interface RadiomicsResult {
  /** IBSI benchmark tag → value (e.g. `morph_volume`, `cm_joint_max_3D_avg`), or PyRadiomics name → value. */
  features: Features;
  /** Tags whose value is undefined for this ROI (e.g. a texture with one grey level); left out of `features`. */
  undefinedFeatures: string[];
  settings: RadiomicsSettings;
  engine: { name: 'sap-pipeline radiomics'; version: string };
  roi: {
    morphologicalVoxels: number;
    intensityVoxels: number;
    boxDims: Vec3;
    spacingMm: Vec3;
    levelCount: number;
  };
  timingsMs: Record<string, number>;
}

/** Instrumentation: the memory benchmark measures each step between these calls. */
export interface ExtractionHooks {
  /** Called before and after processing, discretisation and each feature family (the `timingsMs` keys). */
  onStep?(step: string, phase: 'start' | 'end'): void;
}

/**
 * Radiomics of one region: image processing per `settings` (interpolation, re-segmentation, discretisation),
 * then every IBSI-1 feature family, or PyRadiomics' 107 default features with `convention: 'pyradiomics'`.
 * The mask must be on the image's grid.
 */
export function extractRadiomics(
  image: Volume,
  mask: Mask,
  settings: RadiomicsSettings,
  hooks: ExtractionHooks = {},
): RadiomicsResult {
  const { box: maskBox } = checkMask(image, mask);
  const timingsMs: Record<string, number> = {};
  const timed = <T>(name: string, run: () => T): T => {
    hooks.onStep?.(name, 'start');
    const start = performance.now();
    const result = run();
    timingsMs[name] = performance.now() - start;
    hooks.onStep?.(name, 'end');
    return result;
  };

  const roi = timed('processing', () =>
    processRoi(image, mask, processingOptions(settings, image.spacing, maskBox)),
  );
  const intensityVoxels = countSet(roi.intensityMask);
  if (intensityVoxels < MIN_ROI_VOXELS) {
    throw new StepError(
      'ROI_EMPTY_AFTER_RESEGMENTATION',
      `${intensityVoxels} voxel(s) of the region lie within the re-segmentation range ${JSON.stringify(settings.resegmentation.range ?? null)}; at least ${MIN_ROI_VOXELS} are needed`,
    );
  }
  const levels = timed('discretisation', () => discretise(roi, settings));
  const all =
    settings.convention === 'pyradiomics'
      ? pyradiomicsFeatures(roi, levels, timed)
      : ibsiFeatures(roi, levels, settings, timed);
  const features: Features = {};
  const undefinedFeatures: string[] = [];
  for (const [tag, value] of Object.entries(all)) {
    if (Number.isFinite(value)) features[tag] = value;
    else undefinedFeatures.push(tag);
  }
  return {
    features,
    undefinedFeatures,
    settings,
    engine: { name: 'sap-pipeline radiomics', version: ENGINE_VERSION },
    roi: {
      morphologicalVoxels: countSet(roi.morphologicalMask),
      intensityVoxels,
      boxDims: roi.dims,
      spacingMm: roi.spacing,
      levelCount: levels.levelCount,
    },
    timingsMs,
  };
}

/** Every IBSI-1 family, keyed by benchmark tag. */
function ibsiFeatures(
  roi: RoiImage,
  levels: DiscretisedRoi,
  settings: RadiomicsSettings,
  timed: <T>(family: string, run: () => T) => T,
): Features {
  const dims = settings.dimensionality;
  const range = settings.resegmentation.range;
  const texture = textureBox(roi, levels);
  return {
    ...timed('morphology', () =>
      morphologyFeatures(roi, { autocorrelationMaxVoxels: settings.autocorrelationMaxVoxels }),
    ),
    ...timed('localIntensity', () => localIntensityFeatures(roi)),
    ...timed('statistics', () => intensityStatistics(roi)),
    ...timed('histogram', () => intensityHistogramFeatures(levels)),
    ...timed('intensityVolume', () =>
      intensityVolumeFeatures(roi, { discretisation: settings.ivhDiscretisation, range }),
    ),
    ...timed('glcm', () => glcmFeatures(texture.levels, dims)),
    ...timed('glrlm', () => glrlmFeatures(texture.levels, dims)),
    ...timed('glszm+gldzm', () =>
      sizeAndDistanceZoneFeatures(texture.levels, texture.morphologicalMask, dims),
    ),
    ...timed('ngtdm', () => ngtdmFeatures(texture.levels, dims)),
    ...timed('ngldm', () => ngldmFeatures(texture.levels, dims)),
  };
}

/** `maskBox`, found while the mask was checked, spares interpolation a second scan of the whole mask. */
function processingOptions(
  settings: RadiomicsSettings,
  imageSpacing: Vec3,
  maskBox: Box | null,
): ProcessingOptions {
  const { resampling, resegmentation } = settings;
  const target = resampling?.spacingMm;
  // Two values resample within slices only: the slice spacing stays (IBSI 2D interpolation, configuration B).
  const spacing: Vec3 | null = target ? [target[0], target[1], target[2] ?? imageSpacing[2]] : null;
  return {
    interpolation: {
      spacing,
      inPlaneOnly: target?.length === 2,
      imageOrder: resampling?.imageInterpolation ?? 'linear',
      partialVolumeThreshold: resampling?.partialVolumeThreshold,
      roundIntensities: resampling?.roundIntensities ?? false,
      maskBox,
    },
    resegmentation: {
      range: resegmentation.range ? { lower: resegmentation.range[0], upper: resegmentation.range[1] } : null,
      outlierFilter: resegmentation.outliers3Sigma,
    },
    // Local intensity features read up to the peak radius beyond the ROI; PyRadiomics has none of them.
    marginMm: settings.convention === 'pyradiomics' ? 0 : PEAK_RADIUS_MM,
  };
}

function discretise(roi: RoiImage, settings: RadiomicsSettings): Discretisation | DiscretisedRoi {
  const d = settings.discretisation;
  if (d.method === 'FBN') return discretiseFixedBinNumber(roi, d.bins);
  return discretiseFixedBinSize(roi, d.width, {
    anchor: d.anchor,
    lower: settings.resegmentation.range?.[0],
  });
}

function countSet(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]! === 0 ? 0 : 1;
  return n;
}
