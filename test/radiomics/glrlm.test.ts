import { describe, expect, it } from 'vitest';
import type { DiscretisedRoi } from '../../core/radiomics/types';
import { directions3D } from '../../core/radiomics/features/directions';
import {
  glrlmCounts,
  glrlmFeatures,
  glrlmMatrixFeatures,
  glrlmMaxRunLength,
} from '../../core/radiomics/features/glrlm';
import { allowed, phantom, phantomLevels } from './digital-phantom';

const roi = phantomLevels;

/** Sparse {level,run length: count} view of an Ng×Nr matrix. */
function entries(m: Float64Array, nr: number): Record<string, number> {
  const out: Record<string, number> = {};
  m.forEach((c, n) => {
    if (c !== 0) out[`${Math.floor(n / nr) + 1},${(n % nr) + 1}`] = c;
  });
  return out;
}

describe('GLRLM matrices', () => {
  const nr = glrlmMaxRunLength(roi.dims);

  it('match the IBSI hand-computed 3D merged matrix of the digital phantom', () => {
    // docs/06_Digital_phantom_texture_matrices.rst, "Grey level run length matrix (3D, merged)".
    const merged = new Float64Array(6 * nr);
    for (const d of directions3D) glrlmCounts(roi, d, 0, 4, nr, merged);
    expect(entries(merged, nr)).toEqual({
      '1,1': 190,
      '1,2': 140,
      '1,3': 31,
      '1,4': 18,
      '1,5': 3,
      '3,1': 13,
      '4,1': 149,
      '4,2': 24,
      '4,3': 1,
      '4,4': 2,
      '6,1': 78,
      '6,2': 3,
      '6,3': 1,
      '6,4': 1,
    });
  });

  it('counts runs along one line, broken by level changes and voxels outside the ROI', () => {
    const line: DiscretisedRoi = {
      dims: [7, 1, 1],
      spacing: [1, 1, 1],
      levels: Int32Array.from([1, 1, 2, 0, 2, 2, 2]),
      levelCount: 2,
    };
    expect(entries(glrlmCounts(line, [1, 0, 0]), 7)).toEqual({ '1,2': 1, '2,1': 1, '2,3': 1 });
    expect(entries(glrlmCounts(line, [0, 1, 0]), 7)).toEqual({ '1,1': 2, '2,1': 4 });
    expect(entries(glrlmCounts(line, [-1, 1, 1]), 7)).toEqual({ '1,1': 2, '2,1': 4 });
    expect(glrlmMatrixFeatures(new Float64Array(14), 2, 7, 6)).toBeNull();
  });
});

describe('GLRLM features on the IBSI digital phantom', () => {
  const features = glrlmFeatures(roi, ['2D', '2_5D', '3D']);
  const rows = phantom.reference.filter((r) => r.tag.startsWith('rlm_'));

  it('has all 96 reference rows and computes 16 features for each of the 6 aggregations', () => {
    expect(rows).toHaveLength(96);
    expect(Object.keys(features)).toHaveLength(96);
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
    const again = glrlmFeatures(padded, ['2D', '2_5D', '3D']);
    for (const [tag, value] of Object.entries(features)) expect(again[tag], tag).toBeCloseTo(value, 12);
  });

  it('returns only the requested aggregations', () => {
    const only2D = glrlmFeatures(roi, ['2D']);
    expect(Object.keys(only2D).every((t) => t.endsWith('_2D_avg') || t.endsWith('_2D_comb'))).toBe(true);
    expect(Object.keys(only2D)).toHaveLength(32);
  });
});
