import { describe, expect, it } from 'vitest';
import type { DiscretisedRoi } from '../../core/radiomics/types';
import { directions2D, directions3D } from '../../core/radiomics/features/directions';
import { glcmCounts, glcmFeatures, glcmMatrixFeatures } from '../../core/radiomics/features/glcm';
import { allowed, phantom, phantomLevels } from './digital-phantom';

const roi = phantomLevels;

/** Sparse {level pair: count} view of an Ng×Ng matrix, for comparing with the IBSI tables. */
function entries(m: Float64Array, ng: number): Record<string, number> {
  const out: Record<string, number> = {};
  m.forEach((c, n) => {
    if (c !== 0) out[`${Math.floor(n / ng) + 1},${(n % ng) + 1}`] = c;
  });
  return out;
}

describe('GLCM matrices', () => {
  it('match the IBSI hand-computed 2D slice-merged matrices of the digital phantom', () => {
    // docs/06_Digital_phantom_texture_matrices.rst, "Grey level co-occurrence matrix (2D, merged)", slices 1-4.
    const expected = [
      { '1,1': 22, '1,4': 17, '1,6': 6, '4,4': 16, '4,6': 11, '6,6': 4 },
      { '1,1': 42, '1,3': 5, '1,4': 8, '1,6': 8, '3,4': 1, '3,6': 2, '4,4': 4, '4,6': 3 },
      { '1,1': 56, '1,4': 7, '1,6': 4, '4,4': 2 },
      { '1,1': 70, '1,4': 7, '1,6': 5, '4,4': 2 },
    ];
    expected.forEach((upper, k) => {
      const merged = new Float64Array(36);
      for (const d of directions2D) glcmCounts(roi, d, k, k + 1, merged);
      const full: Record<string, number> = {};
      for (const [key, n] of Object.entries(upper)) {
        const [a, b] = key.split(',');
        full[key] = n;
        full[`${b},${a}`] = n;
      }
      expect(entries(merged, 6)).toEqual(full);
    });
  });

  it('is symmetric, counts each ROI pair twice and ignores pairs leaving the ROI', () => {
    const tiny: DiscretisedRoi = {
      dims: [3, 1, 1],
      spacing: [1, 1, 1],
      levels: Int32Array.from([1, 2, 0]),
      levelCount: 2,
    };
    expect(Array.from(glcmCounts(tiny, [1, 0, 0]))).toEqual([0, 1, 1, 0]);
    expect(Array.from(glcmCounts(tiny, [0, 1, 0]))).toEqual([0, 0, 0, 0]);
    expect(glcmMatrixFeatures(new Float64Array(4), 2)).toBeNull();
    const merged = new Float64Array(36);
    for (const d of directions3D) glcmCounts(roi, d, 0, 4, merged);
    expect(merged.reduce((s, c) => s + c, 0) % 2).toBe(0);
  });
});

describe('GLCM features on the IBSI digital phantom', () => {
  const features = glcmFeatures(roi, ['2D', '2_5D', '3D']);
  const rows = phantom.reference.filter((r) => r.tag.startsWith('cm_'));

  it('has all 150 reference rows and computes 25 features for each of the 6 aggregations', () => {
    expect(rows).toHaveLength(150);
    expect(Object.keys(features)).toHaveLength(150);
  });

  it.each(rows.map((r) => [r.tag, r] as const))('%s', (_tag, ref) => {
    const value = features[ref.tag];
    expect(value, ref.tag).toBeDefined();
    expect(Math.abs(value! - ref.value), `${ref.tag}: ${value} vs ${ref.value}`).toBeLessThanOrEqual(
      allowed(ref),
    );
  });

  it('skips empty slices: an extra slice outside the ROI changes no value', () => {
    const [ni, nj, nk] = roi.dims;
    const padded: DiscretisedRoi = {
      ...roi,
      dims: [ni, nj, nk + 1],
      levels: new Int32Array(ni * nj * (nk + 1)),
    };
    padded.levels.set(roi.levels, ni * nj);
    const again = glcmFeatures(padded, ['2D', '2_5D', '3D']);
    for (const [tag, value] of Object.entries(features)) expect(again[tag], tag).toBeCloseTo(value, 12);
  });

  it('returns only the requested aggregations', () => {
    const only3D = glcmFeatures(roi, ['3D']);
    expect(Object.keys(only3D).every((t) => t.endsWith('_3D_avg') || t.endsWith('_3D_comb'))).toBe(true);
    expect(Object.keys(only3D)).toHaveLength(50);
  });
});

describe('GLCM edge cases', () => {
  it('gives NaN for aggregations without any voxel pair (a one-voxel ROI)', () => {
    const single: DiscretisedRoi = {
      dims: [1, 1, 1],
      spacing: [1, 1, 1],
      levels: Int32Array.from([1]),
      levelCount: 1,
    };
    const f = glcmFeatures(single, ['2D', '3D']);
    expect(Object.keys(f)).toHaveLength(100);
    expect(Object.values(f).every(Number.isNaN)).toBe(true);
  });

  it('defines correlation as 1 and information correlation 1 as 0 for a single grey level', () => {
    const m = Float64Array.from([0, 0, 0, 8]);
    const f = glcmMatrixFeatures(m, 2)!;
    expect(f.corr).toBe(1);
    expect(f.info_corr1).toBe(0);
    expect(f.info_corr2).toBe(0);
    expect(f.joint_max).toBe(1);
    expect(f.inv_var).toBe(0);
  });
});
