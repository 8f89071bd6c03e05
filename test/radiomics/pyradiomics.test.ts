import { describe, expect, it } from 'vitest';
import type { Mask } from '../../core/imaging/mask';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { generatePhantom } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { ngtdmMatrices } from '../../core/radiomics/features/ngtdm';
import { profileSettings } from '../../core/radiomics/profiles';
import { PYRADIOMICS_CLASSES, PYRADIOMICS_FEATURE_NAMES } from '../../core/radiomics/pyradiomics-names';
import { radiomicsSettingsSchema } from '../../core/radiomics/settings';
import { allowed, phantom } from './digital-phantom';

const affine = (s: Vec3) => [s[0], 0, 0, 0, 0, s[1], 0, 0, 0, 0, s[2], 0, 0, 0, 0, 1];
const pyradiomics = profileSettings('pyradiomics');

/** A volume of `dims` at `spacing` whose region is the box [start, start + size) with the given intensities. */
function boxRegion(dims: Vec3, spacing: Vec3, start: Vec3, size: Vec3, value: (n: number) => number) {
  const data = new Int16Array(dims[0] * dims[1] * dims[2]).fill(-1000);
  const mask = new Uint8Array(data.length);
  let n = 0;
  for (let k = start[2]; k < start[2] + size[2]; k++) {
    for (let j = start[1]; j < start[1] + size[1]; j++) {
      for (let i = start[0]; i < start[0] + size[0]; i++) {
        const p = i + dims[0] * (j + dims[1] * k);
        data[p] = value(n++);
        mask[p] = 1;
      }
    }
  }
  const image: Volume = { dims, spacing, affine: affine(spacing), data };
  const region: Mask = { dims, affine: affine(spacing), data: mask };
  return extractRadiomics(image, region, pyradiomics);
}

describe('pyradiomics profile', () => {
  it("outputs exactly PyRadiomics' 107 names, all defined on a pancreas phantom", () => {
    const p = generatePhantom({ dims: [96, 96, 48], seed: 5 });
    const result = extractRadiomics(p.volume, p.mask, pyradiomics);
    expect(result.undefinedFeatures).toEqual([]);
    expect(Object.keys(result.features)).toEqual(PYRADIOMICS_FEATURE_NAMES);
    expect(result.settings).toMatchObject({
      convention: 'pyradiomics',
      discretisation: { method: 'FBS', width: 25, anchor: 'pyradiomics' },
    });
    expect(result.settings.resampling).toBeUndefined();
  });

  it('refuses 2D or 2.5D texture, which PyRadiomics does not compute by default', () => {
    const input = { profile: 'x', convention: 'pyradiomics', discretisation: { method: 'FBN', bins: 8 } };
    expect(() => radiomicsSettingsSchema.parse({ ...input, dimensionality: ['2D', '3D'] })).toThrow(
      /dimensionality to \['3D'\]/,
    );
  });
});

describe('pyradiomics profile: conventions that differ from IBSI, hand-computed', () => {
  // 32 voxels, 8 each of −90, −80, −74, −60 HU at 0.8 × 0.8 × 2.5 mm.
  const fourValues = [-90, -80, -74, -60];
  const result = boxRegion([8, 8, 6], [0.8, 0.8, 2.5], [2, 2, 2], [4, 4, 2], (n) => fourValues[n % 4]!);
  const f = result.features;

  it('kurtosis is m4/m2², not excess kurtosis', () => {
    // Mean −76; deviations −14, −4, 2, 16: m2 = 472/4 = 118, m4 = 104224/4 = 26056.
    expect(f.original_firstorder_Kurtosis).toBeCloseTo(26056 / 118 ** 2, 12);
    expect(f.original_firstorder_Variance).toBeCloseTo(118, 10);
  });

  it('bin edges lie at multiples of the bin width 25 (−100, −75, −50), not at the ROI minimum', () => {
    // −90, −80 in [−100, −75), −74, −60 in [−75, −50): two equal bins. From the minimum (−90, −65, …) they
    // would be 3/4 and 1/4 (uniformity 0.625).
    expect(f.original_firstorder_Uniformity).toBeCloseTo(0.5, 14);
    expect(f.original_firstorder_Entropy).toBeCloseTo(1, 14);
    expect(result.roi.levelCount).toBe(2);
  });

  it('total energy is energy times the voxel volume', () => {
    const energy = 8 * (90 ** 2 + 80 ** 2 + 74 ** 2 + 60 ** 2);
    expect(f.original_firstorder_Energy).toBe(energy);
    expect(f.original_firstorder_TotalEnergy).toBeCloseTo(energy * 0.8 * 0.8 * 2.5, 6);
  });

  it('a flat region has kurtosis and skewness 0, MCC and correlation 1', () => {
    const flat = boxRegion([8, 8, 6], [1, 1, 1], [2, 2, 2], [4, 4, 2], () => 40).features;
    expect(flat.original_firstorder_Kurtosis).toBe(0);
    expect(flat.original_firstorder_Skewness).toBe(0);
    expect(flat.original_glcm_MCC).toBe(1);
    expect(flat.original_glcm_Correlation).toBe(1);
  });

  it('axis lengths use the population covariance of voxel centres; 2D diameters per slice, column, row', () => {
    // A 5 × 3 × 2 box at 1 × 1 × 2 mm: coordinate variances 2, 2/3 and 1 (divisor N), no covariance.
    const s = boxRegion([9, 7, 6], [1, 1, 2], [2, 2, 2], [5, 3, 2], () => 40).features;
    expect(s.original_shape_MajorAxisLength).toBeCloseTo(4 * Math.sqrt(2), 12);
    expect(s.original_shape_MinorAxisLength).toBeCloseTo(4, 12);
    expect(s.original_shape_LeastAxisLength).toBeCloseTo(4 * Math.sqrt(2 / 3), 12);
    expect(s.original_shape_Elongation).toBeCloseTo(Math.sqrt(1 / 2), 12);
    expect(s.original_shape_Flatness).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(s.original_shape_VoxelVolume).toBe(60);
    // Mesh vertices are edge midpoints. Slice (constant k): (−0.5, 0) to (4.5, 2) in (i, j) mm. Column
    // (constant j): (0, −1) to (4, 3) in (i, k) mm. Row (constant i): (0, −1) to (2, 3) in (j, k) mm.
    // 3D: (0, 0, −1) to (4, 2, 3).
    expect(s.original_shape_Maximum2DDiameterSlice).toBeCloseTo(Math.sqrt(29), 12);
    expect(s.original_shape_Maximum2DDiameterColumn).toBeCloseTo(Math.sqrt(32), 12);
    expect(s.original_shape_Maximum2DDiameterRow).toBeCloseTo(Math.sqrt(20), 12);
    expect(s.original_shape_Maximum3DDiameter).toBeCloseTo(6, 12);
  });

  it('an absent grey level is removed before MCC; Idn and Idmn keep Ng = the highest level', () => {
    // A line of 28 voxels, blocks 1 1 3 3 (−90 → level 1, −40 → level 3, level 2 empty): only direction
    // (1, 0, 0) has pairs. Symmetric counts P(1,1) = P(3,3) = 14, P(1,3) = P(3,1) = 13, 54 in all.
    const line = boxRegion([32, 3, 3], [1, 1, 1], [2, 1, 1], [28, 1, 1], (n) => (n % 4 < 2 ? -90 : -40));
    const g = line.features;
    expect(line.roi.levelCount).toBe(3);
    expect(g.original_glcm_Contrast).toBeCloseTo((26 / 54) * 4, 12);
    expect(g.original_glcm_Idmn).toBeCloseTo(28 / 54 + 26 / 54 / (1 + 4 / 9), 12);
    expect(g.original_glcm_Idn).toBeCloseTo(28 / 54 + 26 / 54 / (1 + 2 / 3), 12);
    // Two present levels: MCC = |14/27 + 14/27 − 1|.
    expect(g.original_glcm_MCC).toBeCloseTo(1 / 27, 12);
  });

  it('the NGTDM counts voxels without neighbours in n_i (IBSI leaves them out)', () => {
    // One row: 1 2 _ _ 3; the voxel of level 3 has no ROI neighbour.
    const roi = {
      dims: [5, 1, 1] as Vec3,
      spacing: [1, 1, 1] as Vec3,
      levels: Int32Array.of(1, 2, 0, 0, 3),
      levelCount: 3,
    };
    const [ibsi] = ngtdmMatrices(roi, false);
    const [py] = ngtdmMatrices(roi, false, { countIsolatedVoxels: true });
    expect(Array.from(ibsi!.n)).toEqual([0, 1, 1, 0]);
    expect(Array.from(py!.n)).toEqual([0, 1, 1, 1]);
    expect(Array.from(py!.s)).toEqual(Array.from(ibsi!.s));
  });
});

describe('pyradiomics profile on the IBSI digital phantom, where the definitions agree', () => {
  const dims = phantom.dims;
  const spacing = phantom.spacingMm;
  const image: Volume = { dims, spacing, affine: affine(spacing), data: Int16Array.from(phantom.value) };
  const mask: Mask = { dims, affine: affine(spacing), data: Uint8Array.from(phantom.mask) };
  // Bin width 1 from 0 leaves the grey levels 1, 3, 4, 6 as they are (Ng = 6), as the IBSI reference has it.
  const settings = radiomicsSettingsSchema.parse({
    profile: 'pyradiomics on the digital phantom',
    convention: 'pyradiomics',
    discretisation: { method: 'FBS', width: 1, anchor: 'pyradiomics' },
  });
  const features = extractRadiomics(image, mask, settings).features;
  const reference = new Map(phantom.reference.map((r) => [r.tag, r]));
  const voxels = phantom.mask.filter((m) => m !== 0).length;
  const axisScale = Math.sqrt((voxels - 1) / voxels);
  // PyRadiomics-only values, derived from an IBSI reference row where one exists.
  const derived: Record<string, [tag: string, map: (ibsi: number) => number]> = {
    py_kurtosis: ['stat_kurt', (k) => k + 3],
    py_total_energy: ['stat_energy', (e) => e * spacing[0] * spacing[1] * spacing[2]],
    py_major_axis: ['morph_pca_maj_axis', (a) => a * axisScale],
    py_minor_axis: ['morph_pca_min_axis', (a) => a * axisScale],
    py_least_axis: ['morph_pca_least_axis', (a) => a * axisScale],
    // The phantom has no voxel without a 26-neighbour in the ROI: PyRadiomics' NGTDM is IBSI's here.
    py_ngt_coarseness: ['ngt_coarseness_3D', (v) => v],
    py_ngt_contrast: ['ngt_contrast_3D', (v) => v],
    py_ngt_busyness: ['ngt_busyness_3D', (v) => v],
    py_ngt_complexity: ['ngt_complexity_3D', (v) => v],
    py_ngt_strength: ['ngt_strength_3D', (v) => v],
  };
  const rows = Object.entries(PYRADIOMICS_CLASSES).flatMap(([family, names]) =>
    Object.entries(names)
      .map(([name, source]) => {
        const [tag, map] = derived[source] ?? [source, (v: number) => v];
        const row = reference.get(tag);
        return row ? ([`original_${family}_${name}`, tag, map(row.value), allowed(row)] as const) : null;
      })
      .filter((row) => row !== null),
  );

  it('covers every PyRadiomics feature but MCC and the 2D diameters (no IBSI reference)', () => {
    expect(rows).toHaveLength(107 - 4);
  });

  it.each(rows)('%s from %s', (name, _tag, expected, tolerance) => {
    expect(Math.abs(features[name]! - expected)).toBeLessThanOrEqual(tolerance);
  });
});
