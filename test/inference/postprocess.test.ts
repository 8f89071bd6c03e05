import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { keepLargestComponent } from '../../core/inference/largest-component';
import { resampleTrilinear, inverseAxis, type Axes } from '../../core/inference/resample';
import { volumeMask } from '../../core/inference/volume-mask';
import { centreAlignedGrid } from '../../core/imaging/grid/grid';
import { fill, voxels } from './grids';

const identityAffine = (s: Vec3) => [s[0], 0, 0, 0, 0, s[1], 0, 0, 0, 0, s[2], 0, 0, 0, 0, 1];

function maskOf(dims: Vec3, inside: Vec3[]): Uint8Array {
  const mask = new Uint8Array(voxels(dims));
  for (const [i, j, k] of inside) mask[i + dims[0] * (j + dims[1] * k)] = 1;
  return mask;
}

describe('largest 26-connected component', () => {
  const dims: Vec3 = [8, 7, 6];

  it('links voxels that touch at a corner and drops the smaller regions', () => {
    const diagonal: Vec3[] = [
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
      [4, 2, 4],
    ];
    const pair: Vec3[] = [
      [7, 6, 0],
      [6, 6, 0],
    ];
    const mask = maskOf(dims, [...diagonal, ...pair]);
    expect(keepLargestComponent(mask, dims)).toBe(4);
    expect(Array.from(mask)).toEqual(Array.from(maskOf(dims, diagonal)));
  });

  it('keeps the first region met (i fastest) on a tie, and returns 0 for an empty mask', () => {
    const first: Vec3[] = [[0, 0, 5]];
    const mask = maskOf(dims, [[5, 5, 5], ...first]);
    expect(keepLargestComponent(mask, dims)).toBe(1);
    expect(Array.from(mask)).toEqual(Array.from(maskOf(dims, first)));
    expect(keepLargestComponent(new Uint8Array(voxels(dims)), dims)).toBe(0);
  });
});

describe('probability map back to the volume grid', () => {
  const dims: Vec3 = [30, 26, 14];
  const spacing: Vec3 = [0.9, 1.2, 3];
  const volume: Volume = {
    dims,
    spacing,
    affine: identityAffine(spacing),
    data: new Int16Array(voxels(dims)),
  };
  const axes = centreAlignedGrid(dims, spacing, [2, 2, 2]) as Axes;
  const modelDims = axes.map((a) => a.count) as Vec3;
  // Two blobs at model spacing: a big one and a small one far from it.
  const blob = (c: Vec3, r: number) => (i: number, j: number, k: number) =>
    Math.max(0, 1 - Math.hypot(i - c[0], j - c[1], k - c[2]) / r);
  const big = blob([5, 6, 10], 4);
  const small = blob([11, 4, 3], 2);
  const probability = fill(modelDims, (i, j, k) => Math.max(big(i, j, k), small(i, j, k)));

  it('equals interpolating the whole map, thresholding and keeping the largest component', () => {
    const { mask, voxels: count } = volumeMask(probability, modelDims, axes, volume, 0.4);
    const back = axes.map((axis, a) => inverseAxis(axis, spacing[a]!)) as Axes;
    const whole = resampleTrilinear({ dims: modelDims, data: probability }, back);
    const expected = Uint8Array.from(whole.data, (p) => (p > 0.4 ? 1 : 0));
    const expectedCount = keepLargestComponent(expected, dims);
    expect(count).toBe(expectedCount);
    expect(count).toBeGreaterThan(100);
    expect(Array.from(mask)).toEqual(Array.from(expected));
  });

  it('gives an empty mask when nothing is above the threshold', () => {
    const { mask, voxels: count } = volumeMask(probability, modelDims, axes, volume, 0.999);
    expect(count).toBe(0);
    expect(mask.every((v) => v === 0)).toBe(true);
  });

  it('thresholds strictly above the level on an unresampled grid', () => {
    const same = centreAlignedGrid(dims, spacing, spacing) as Axes;
    const flat = fill(dims, (i) => (i < 10 ? 0.5 : 0.75));
    const { voxels: count } = volumeMask(flat, dims, same, volume, 0.5);
    expect(count).toBe(20 * 26 * 14);
  });
});
