import { describe, expect, it } from 'vitest';
import { ngldmFeatures, ngldmMatrices } from '../../core/radiomics/features/ngldm';
import { ngtdmFeatures, ngtdmMatrices, ngtdmMatrixFeatures } from '../../core/radiomics/features/ngtdm';
import type { Vec3 } from '../../core/imaging/volume';
import type { Dimensionality } from '../../core/radiomics/types';
import { expectFamilyMatches, phantomLevels } from './digital-phantom';

const roi = phantomLevels;
const all: Dimensionality[] = ['2D', '2_5D', '3D'];
const checkFamily = expectFamilyMatches;

describe('NGTDM (IBSI-1 3.10) on the digital phantom, δ = 1', () => {
  it('matches all 15 reference values (2D, 2.5D, 3D)', () => {
    const features = ngtdmFeatures(roi, all);
    expect(Object.keys(features)).toHaveLength(15);
    checkFamily('NGTDM', features, 15);
  });

  it('builds a hand-computed matrix and skips voxels without ROI neighbours', () => {
    // One row: grey levels 1 2 1 _ 3. Voxel 0: |1 − 2| = 1; voxel 1: |2 − (1 + 1)/2| = 1; voxel 2: |1 − 2| = 1;
    // voxel 4 (grey 3) has no ROI neighbour and is left out: n = (2, 1, 0), s = (2, 1, 0).
    const line = {
      dims: [5, 1, 1] as Vec3,
      spacing: [1, 1, 1] as Vec3,
      levels: Int32Array.of(1, 2, 1, 0, 3),
      levelCount: 3,
    };
    for (const planar of [true, false]) {
      const [m, ...rest] = ngtdmMatrices(line, planar);
      expect(rest).toHaveLength(0);
      expect(Array.from(m?.n ?? [])).toEqual([0, 2, 1, 0]);
      expect(Array.from(m?.s ?? [])).toEqual([0, 2, 1, 0]);
    }
    const [coarseness, contrast, busyness, complexity, strength] = ngtdmMatrixFeatures({
      levelCount: 3,
      n: Float64Array.of(0, 2, 1, 0),
      s: Float64Array.of(0, 2, 1, 0),
    });
    // p = (2/3, 1/3); Σ p s = 5/3; Ngp = 2.
    expect(coarseness).toBeCloseTo(3 / 5, 12);
    expect(contrast).toBeCloseTo(((2 * (2 / 3) * (1 / 3)) / 2) * (3 / 3), 12);
    // i·p_i is 2/3 for both levels, so the busyness denominator vanishes: reported as 0.
    expect(busyness).toBe(0);
    expect(complexity).toBeCloseTo((2 * ((2 / 3) * 2 + (1 / 3) * 1)) / 1 / 3, 12);
    expect(strength).toBeCloseTo((2 * 1 * 1) / 3, 12);
  });

  it('gives coarseness 1e6 and zero contrast, busyness and strength for a uniform ROI', () => {
    const uniform = {
      dims: [3, 3, 3] as Vec3,
      spacing: [1, 1, 1] as Vec3,
      levels: new Int32Array(27).fill(2),
      levelCount: 2,
    };
    expect(ngtdmFeatures(uniform, ['3D'])).toEqual({
      ngt_coarseness_3D: 1e6,
      ngt_contrast_3D: 0,
      ngt_busyness_3D: 0,
      ngt_complexity_3D: 0,
      ngt_strength_3D: 0,
    });
  });
});

describe('NGLDM (IBSI-1 3.11) on the digital phantom, δ = 1, α = 0', () => {
  it('matches all 51 reference values (2D, 2.5D, 3D)', () => {
    const features = ngldmFeatures(roi, all);
    expect(Object.keys(features)).toHaveLength(51);
    checkFamily('NGLDM', features, 51);
  });

  it('counts every ROI voxel once, with dependence 1 + equal neighbours', () => {
    const [volume] = ngldmMatrices(roi, false);
    const total = volume ? Array.from(volume.count).reduce((a, b) => a + b, 0) : 0;
    expect(total).toBe(74);
    expect(volume?.voxelCount).toBe(74);
    expect(Math.min(...(volume?.column ?? []))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...(volume?.column ?? []))).toBeLessThanOrEqual(27);
  });
});
