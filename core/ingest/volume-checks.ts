import type { Volume } from '../imaging/volume';
import type { ValidationIssue } from '../input/issues';
import { LIMITS } from '../input/limits';

export interface HuStatistics {
  min: number;
  max: number;
  mean: number;
  /** Share of voxels at or below AIR_HU: background and lung, present in any abdominal CT field of view. */
  airFraction: number;
}

/** Below this is air (about -1000 HU) or lung (about -850 HU), never soft tissue. */
const AIR_HU = -500;

export function huStatistics(volume: Volume): HuStatistics {
  const { data } = volume;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let air = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v <= AIR_HU) air++;
  }
  return {
    min,
    max,
    mean: data.length ? sum / data.length : 0,
    airFraction: data.length ? air / data.length : 0,
  };
}

/**
 * Checks that hold whatever format the volume came in, on the canonical volume (k = the slice axis).
 * Errors reject the study; warnings are reported beside an accepted one.
 */
export function checkVolume(
  volume: Volume,
  file: string,
  stats: HuStatistics = huStatistics(volume),
): { errors: ValidationIssue[]; warnings: ValidationIssue[] } {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const [si, sj, sk] = volume.spacing;
  const slices = volume.dims[2];
  if (slices < LIMITS.minSlices) {
    errors.push({
      code: 'TOO_FEW_SLICES',
      file,
      message: `${slices} slices; the models need at least ${LIMITS.minSlices} to cover the pancreas`,
    });
  }
  const inPlaneOk = [si, sj].every((s) => s >= LIMITS.minSpacingMm && s <= LIMITS.maxInPlaneSpacingMm);
  if (!inPlaneOk) {
    errors.push({
      code: 'SPACING_IMPLAUSIBLE',
      file,
      field: 'pixel spacing',
      message: `in-plane spacing ${fmt(si)} × ${fmt(sj)} mm; expected ${LIMITS.minSpacingMm}–${LIMITS.maxInPlaneSpacingMm} mm`,
    });
  }
  if (!(sk >= LIMITS.minSpacingMm && sk <= LIMITS.maxSliceSpacingMm)) {
    errors.push({
      code: 'SPACING_IMPLAUSIBLE',
      file,
      field: 'slice spacing',
      message: `slice spacing ${fmt(sk)} mm; expected ${LIMITS.minSpacingMm}–${LIMITS.maxSliceSpacingMm} mm`,
    });
  }
  if (stats.min < LIMITS.minHu || stats.max > LIMITS.maxHu) {
    errors.push({
      code: 'HU_IMPLAUSIBLE',
      file,
      message: `values span ${stats.min}…${stats.max}; Hounsfield units lie within ${LIMITS.minHu}…${LIMITS.maxHu}`,
    });
  } else if (stats.airFraction === 0) {
    warnings.push({
      code: 'HU_IMPLAUSIBLE',
      file,
      message: `no voxel at or below ${AIR_HU} HU (air): check that the volume is in Hounsfield units and not cropped to the body`,
    });
  }
  return { errors, warnings };
}

const fmt = (mm: number) => (Number.isFinite(mm) ? mm.toFixed(2) : String(mm));
