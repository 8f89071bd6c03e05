import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import { generatePhantom } from '../../core/phantom';
import { maskWarnings, MIN_LARGEST_PIECE_SHARE, PLAUSIBLE_PANCREAS_ML, reviewMask } from '../../core/report';

const dims: Vec3 = [60, 60, 40];
/** 2 mm voxels: 0.008 mL each. */
const spacing: Vec3 = [2, 2, 2];

/** A mask with boxes [i0, i1) × [j0, j1) × [k0, k1) set. */
function boxes(...list: [number, number, number, number, number, number][]): Uint8Array {
  const mask = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [i0, i1, j0, j1, k0, k1] of list) {
    for (let k = k0; k < k1; k++)
      for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) mask[i + dims[0] * (j + dims[1] * k)] = 1;
  }
  return mask;
}

const codes = (mask: Uint8Array) => reviewMask(mask, dims, spacing).warnings.map((w) => w.code);

describe('mask plausibility', () => {
  it('finds nothing wrong with the phantom pancreas', () => {
    const phantom = generatePhantom({ dims: [96, 96, 64], seed: 3 });
    const review = reviewMask(phantom.mask.data, phantom.volume.dims, phantom.volume.spacing);
    expect(review.warnings).toEqual([]);
    expect(review.volumeMl).toBeCloseTo(phantom.description.pancreasVolumeMl, 1);
    expect(review.pieces).toHaveLength(1);
    expect(review.edges).toEqual([]);
  });

  it('states its thresholds', () => {
    expect(PLAUSIBLE_PANCREAS_ML).toEqual({ min: 20, max: 250 });
    expect(MIN_LARGEST_PIECE_SHARE).toBe(0.9);
  });

  it('measures volume, centre and extent', () => {
    // 20 × 20 × 10 voxels = 4000 × 0.008 = 32 mL.
    const review = reviewMask(boxes([10, 30, 20, 40, 5, 15]), dims, spacing);
    expect(review.voxels).toBe(4000);
    expect(review.volumeMl).toBeCloseTo(32);
    expect(review.centroid).toEqual([19.5, 29.5, 9.5]);
    expect(review.box).toEqual({ start: [10, 20, 5], size: [20, 20, 10] });
    expect(review.planeCounts[2][5]).toBe(400);
    expect(review.warnings).toEqual([]);
  });

  it('warns below 20 mL and above 250 mL', () => {
    // 10 × 10 × 10 = 8 mL.
    expect(codes(boxes([10, 20, 10, 20, 10, 20]))).toEqual(['MASK_SMALL']);
    // 50 × 50 × 20 × 0.008 = 400 mL.
    expect(codes(boxes([5, 55, 5, 55, 5, 25]))).toEqual(['MASK_LARGE']);
    const [small] = maskWarnings(19.9, [1], []);
    expect(small?.message).toContain('19.9 mL, below the plausible 20 mL');
    expect(maskWarnings(20, [1], [])).toEqual([]);
    expect(maskWarnings(250, [1], [])).toEqual([]);
  });

  it('warns when the mask is in pieces and the largest holds under 90 %', () => {
    // Two equal 32 mL boxes.
    const two = reviewMask(boxes([2, 22, 2, 22, 2, 12], [30, 50, 30, 50, 20, 30]), dims, spacing);
    expect(two.pieces).toEqual([4000, 4000]);
    expect(two.warnings.map((w) => w.code)).toEqual(['MASK_FRAGMENTED']);
    expect(two.warnings[0]!.message).toContain('2 separate pieces; the largest holds 50 %');
    // A speck beside a gland: 95 % in the largest piece is one organ with noise.
    expect(codes(boxes([2, 22, 2, 22, 2, 12], [40, 45, 40, 45, 20, 28]))).toEqual([]);
  });

  it('counts pieces touching at a corner as one (26-connectivity)', () => {
    const mask = boxes([10, 25, 10, 25, 10, 25], [25, 40, 25, 40, 25, 40]);
    expect(reviewMask(mask, dims, spacing).pieces).toEqual([2 * 15 ** 3]);
  });

  it('warns when the mask reaches the edge of the scanned volume, naming the side', () => {
    const review = reviewMask(boxes([20, 40, 20, 40, 0, 12]), dims, spacing);
    expect(review.edges).toEqual(['inferior']);
    expect(review.warnings.map((w) => w.code)).toEqual(['MASK_AT_EDGE']);
    expect(review.warnings[0]!.message).toContain('inferior edge');
    expect(reviewMask(boxes([0, 20, 20, 40, 10, 22]), dims, spacing).edges).toEqual(['left']);
    expect(reviewMask(boxes([20, 60, 30, 60, 10, 22]), dims, spacing).edges).toEqual(['right', 'anterior']);
  });

  it('reports an empty mask', () => {
    const review = reviewMask(new Uint8Array(dims[0] * dims[1] * dims[2]), dims, spacing);
    expect(review.warnings.map((w) => w.code)).toEqual(['MASK_EMPTY']);
    expect(review.box).toBeNull();
    expect(review.volumeMl).toBe(0);
  });

  it('refuses a mask that is not on the volume grid', () => {
    expect(() => reviewMask(new Uint8Array(10), dims, spacing)).toThrow(/mask voxels/);
  });
});
