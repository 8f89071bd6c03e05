import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import { gldzmFeatures, gldzmMatrices } from '../../core/radiomics/features/gldzm';
import { glszmFeatures, glszmMatrices } from '../../core/radiomics/features/glszm';
import { sizeAndDistanceZoneFeatures } from '../../core/radiomics/features/zone-families';
import { edgeDistanceMap, labelZones } from '../../core/imaging/grid/zones';
import { padGrid, paddedIndex } from '../../core/imaging/grid/padded-grid';
import type { CountMatrix } from '../../core/radiomics/features/zones-matrix';
import type { DiscretisedRoi, Dimensionality } from '../../core/radiomics/types';
import { expectFamilyMatches, phantomLevels, phantomMask } from './digital-phantom';

const roi = phantomLevels;
const morphologicalMask = phantomMask;
const all: Dimensionality[] = ['2D', '2_5D', '3D'];
const checkFamily = expectFamilyMatches;

/** "level:column×count" cells, sorted, for readable matrix comparisons. */
function cells(m: CountMatrix | undefined): string[] {
  if (!m) return [];
  return Array.from(m.count, (c, n) => `${m.level[n]}:${m.column[n]}x${c}`).sort();
}

function box(dims: Vec3, levels: number[]): DiscretisedRoi {
  return { dims, spacing: [1, 1, 1], levels: Int32Array.from(levels), levelCount: Math.max(...levels) };
}

describe('zone labelling', () => {
  // 3×2×2 box, i fastest (0 = outside the ROI):
  //   k=0: j=0 [1 1 2]  j=1 [2 0 1]      k=1: j=0 [0 2 2]  j=1 [1 0 1]
  const tiny = box([3, 2, 2], [1, 1, 2, 2, 0, 1, 0, 2, 2, 1, 0, 1]);

  it('links voxels with 26-connectivity in 3D (diagonals across slices included)', () => {
    const grid = padGrid(tiny.levels, tiny.dims, 1);
    const zones = labelZones(grid, false);
    expect(zones.count).toBe(2);
    expect(Array.from(zones.level.subarray(1))).toEqual([1, 2]);
    expect(Array.from(zones.size.subarray(1))).toEqual([5, 4]);
    const label = (i: number, j: number, k: number) => zones.labels[paddedIndex(grid, i, j, k)];
    // (0,1,0) joins (1,0,1) only through the 3D diagonal (1,−1,1).
    expect([label(0, 1, 0), label(1, 0, 1), label(0, 1, 1), label(1, 1, 0)]).toEqual([2, 2, 1, 0]);
  });

  it('links voxels with 8-connectivity within each slice in 2D', () => {
    const zones = labelZones(padGrid(tiny.levels, tiny.dims, 1), true);
    expect(zones.count).toBe(6);
    expect(Array.from(zones.level.subarray(1))).toEqual([1, 2, 2, 2, 1, 1]);
    expect(Array.from(zones.size.subarray(1))).toEqual([3, 1, 1, 2, 1, 1]);
    expect(Array.from(zones.slice.subarray(1))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(glszmMatrices(tiny, true).map(cells)).toEqual([
      ['1:3x1', '2:1x2'],
      ['1:1x2', '2:2x1'],
    ]);
  });

  it('reproduces the IBSI-1 GLSZM example (figGLSZM1)', () => {
    const example = box([4, 4, 1], [1, 2, 2, 3, 1, 2, 3, 3, 4, 2, 4, 1, 4, 1, 2, 3]);
    expect(cells(glszmMatrices(example, true)[0])).toEqual([
      '1:1x2',
      '1:2x1',
      '2:5x1',
      '3:1x1',
      '3:3x1',
      '4:1x1',
      '4:2x1',
    ]);
  });
});

describe('distance to the ROI edge', () => {
  it('reproduces the IBSI-1 GLDZM example distance map (figGLDZM1)', () => {
    const grid = padGrid(new Uint8Array(16).fill(1), [4, 4, 1], 1);
    const d = edgeDistanceMap(grid, true);
    const rows = [0, 1, 2, 3].map((j) => [0, 1, 2, 3].map((i) => d[paddedIndex(grid, i, j, 0)]));
    expect(rows).toEqual([
      [1, 1, 1, 1],
      [1, 2, 2, 1],
      [1, 2, 2, 1],
      [1, 1, 1, 1],
    ]);
  });

  it('equals the brute-force Manhattan distance to the nearest voxel outside the mask (3D and per slice)', () => {
    const dims: Vec3 = [9, 7, 6];
    let seed = 12345;
    const mask = Uint8Array.from({ length: 9 * 7 * 6 }, () =>
      (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 10 < 8 ? 1 : 0,
    );
    const grid = padGrid(mask, dims, 1);
    for (const planar of [false, true]) {
      const d = edgeDistanceMap(grid, planar);
      for (let k = 0; k < dims[2]; k++)
        for (let j = 0; j < dims[1]; j++)
          for (let i = 0; i < dims[0]; i++) {
            let best = 0;
            if (mask[i + 9 * (j + 7 * k)]) {
              best = Math.min(i + 1, dims[0] - i, j + 1, dims[1] - j);
              if (!planar) best = Math.min(best, k + 1, dims[2] - k);
              for (let n = 0; n < mask.length; n++) {
                const [x, y, z] = [n % 9, Math.floor(n / 9) % 7, Math.floor(n / 63)];
                if (mask[n] || (planar && z !== k)) continue;
                best = Math.min(best, Math.abs(x - i) + Math.abs(y - j) + Math.abs(z - k));
              }
            }
            expect(d[paddedIndex(grid, i, j, k)]).toBe(best);
          }
    }
  });

  it('measures zone distances on the morphological mask, not the intensity mask', () => {
    // 5×5×1 morphological mask; the intensity mask keeps only the centre voxel (distance 3 in-plane, 1 in 3D).
    const levels = new Int32Array(25);
    levels[12] = 1;
    const single = { dims: [5, 5, 1] as Vec3, spacing: [1, 1, 1] as Vec3, levels, levelCount: 1 };
    const morph = new Uint8Array(25).fill(1);
    expect(gldzmMatrices(single, morph, true).map(cells)).toEqual([['1:3x1']]);
    expect(gldzmMatrices(single, morph, false).map(cells)).toEqual([['1:1x1']]);
    expect(gldzmFeatures(single, morph, ['2D'])['dzm_z_perc_2D']).toBe(1);
  });
});

describe('IBSI-1 digital phantom', () => {
  it('GLSZM matches all 48 reference values (2D, 2.5D, 3D)', () => {
    const features = glszmFeatures(roi, all);
    expect(Object.keys(features)).toHaveLength(48);
    checkFamily('GLSZM', features, 48);
  });

  it('GLDZM matches all 48 reference values (2D, 2.5D, 3D)', () => {
    const features = gldzmFeatures(roi, morphologicalMask, all);
    expect(Object.keys(features)).toHaveLength(48);
    checkFamily('GLDZM', features, 48);
  });

  it('one shared zone labelling gives the same GLSZM and GLDZM features as two', () => {
    expect(sizeAndDistanceZoneFeatures(roi, morphologicalMask, all)).toEqual({
      ...glszmFeatures(roi, all),
      ...gldzmFeatures(roi, morphologicalMask, all),
    });
  });
});
