import { describe, expect, it } from 'vitest';
import { intensityHistogramFeatures } from '../../core/radiomics/features/histogram';
import {
  quantile,
  sampleFromCounts,
  sampleFromValues,
} from '../../core/radiomics/features/intensity-quantile';
import { intensityVolumeFeatures } from '../../core/radiomics/features/intensity-volume';
import { localIntensityFeatures } from '../../core/radiomics/features/local-intensity';
import { intensityStatistics } from '../../core/radiomics/features/statistics';
import type { RoiImage } from '../../core/radiomics/types';
import { allowed, phantom, phantomLevels, phantomRoi } from './digital-phantom';

const roi = phantomRoi;
const discretised = phantomLevels;

describe('intensity families on the IBSI digital phantom', () => {
  const features = {
    ...localIntensityFeatures(roi),
    ...intensityStatistics(roi),
    ...intensityHistogramFeatures(discretised),
    ...intensityVolumeFeatures(roi),
  };
  const families = [
    'local intensity',
    'intensity-based statistics',
    'intensity histogram',
    'intensity-volume histogram',
  ];
  const rows = phantom.reference.filter((r) => families.includes(r.family));

  it('covers the 49 reference rows of the four families', () => {
    expect(rows).toHaveLength(2 + 18 + 23 + 6);
  });

  it.each(rows.map((r) => [r.tag, r] as const))('%s matches to 3 significant digits', (_tag, row) => {
    const tolerance = allowed(row);
    expect(Math.abs(features[row.tag]! - row.value)).toBeLessThanOrEqual(tolerance);
  });

  it('gives the IVH area under the curve of the IBSI manual (0.32, no fixture row)', () => {
    expect(features.ivh_auc).toBeCloseTo(0.32, 2);
  });
});

describe('percentiles', () => {
  it('interpolate between order statistics (type 7), from values or counts alike', () => {
    const values = Float64Array.of(7, 1, 3, 10);
    const sorted = sampleFromValues(values, 1, 10);
    expect(quantile(sorted, 0.5)).toBe(5);
    expect(quantile(sorted, 0.1)).toBeCloseTo(1.6, 12);
    const fractional = sampleFromValues(Float64Array.of(0.5, 2.5, 1.5), 0.5, 2.5);
    expect(quantile(fractional, 0.25)).toBe(1);
    const counts = sampleFromCounts([0, 2, 0, 1], 0); // 1, 1, 3
    expect([quantile(counts, 0), quantile(counts, 0.75), quantile(counts, 1)]).toEqual([1, 2, 3]);
  });
});

describe('edge cases', () => {
  const flat: RoiImage = {
    dims: [3, 3, 3],
    spacing: [1, 1, 1],
    intensity: new Float64Array(27).fill(40),
    morphologicalMask: new Uint8Array(27).fill(1),
    intensityMask: new Uint8Array(27).fill(1),
  };

  it('defines skewness and kurtosis as 0 for a constant ROI', () => {
    const f = intensityStatistics(flat);
    expect([f.stat_var, f.stat_skew, f.stat_kurt, f.stat_iqr]).toEqual([0, 0, 0, 0]);
    const h = intensityHistogramFeatures({
      dims: flat.dims,
      spacing: flat.spacing,
      levels: new Int32Array(27).fill(1),
      levelCount: 1,
    });
    expect([h.ih_skew, h.ih_kurt, h.ih_entropy, h.ih_uniformity, h.ih_max_grad]).toEqual([0, 0, 0, 1, 0]);
  });

  it('gives an IVH area of 0 for a single grey level and local peaks equal to it', () => {
    expect(intensityVolumeFeatures(flat).ivh_auc).toBe(0);
    expect(localIntensityFeatures(flat)).toEqual({ loc_peak_loc: 40, loc_peak_glob: 40 });
  });

  it('discretises the IVH with fixed bin size (bin centres) and fixed bin number', () => {
    const ramp: RoiImage = { ...flat, intensity: Float64Array.from({ length: 27 }, (_, p) => p * 10) };
    const fbs = intensityVolumeFeatures(ramp, {
      discretisation: { method: 'FBS', width: 25 },
      range: [0, 275],
    });
    // Bin centres 12.5, 37.5, …; G = [12.5, 262.5]; 10 % of G is 37.5: voxels ≥ 25 HU, 24 of 27.
    expect(fbs.ivh_v10).toBeCloseTo(24 / 27, 12);
    const fbn = intensityVolumeFeatures(ramp, { discretisation: { method: 'FBN', bins: 10 } });
    expect(fbn.ivh_i90).toBeGreaterThanOrEqual(1);
    expect(fbn.ivh_i10).toBeLessThanOrEqual(11);
  });
});
