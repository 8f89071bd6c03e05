import { describe, expect, it } from 'vitest';
import {
  discretiseFixedBinNumber,
  discretiseFixedBinSize,
  fixedBinSizeLevels,
} from '../../core/radiomics/processing';
import type { RoiImage } from '../../core/radiomics/types';

function roiOf(values: number[], mask?: number[]): RoiImage {
  const m = Uint8Array.from(mask ?? values.map(() => 1));
  return {
    dims: [values.length, 1, 1],
    spacing: [1, 1, 1],
    intensity: Float64Array.from(values),
    morphologicalMask: m,
    intensityMask: m,
  };
}

describe('discretisation (IBSI-1 section 2.7)', () => {
  it('stores levels in 16 bits, in 32 bits only beyond 65,535 levels', () => {
    expect(discretiseFixedBinSize(roiOf([0, 1000]), 1).levels).toBeInstanceOf(Uint16Array);
    expect(discretiseFixedBinNumber(roiOf([0, 1000]), 32).levels).toBeInstanceOf(Uint16Array);
    const wide = discretiseFixedBinSize(roiOf([0, 70000]), 1);
    expect(wide.levels).toBeInstanceOf(Int32Array);
    expect(Array.from(wide.levels)).toEqual([1, 70001]);
  });

  it('FBN: bins between min and max, a value on an edge goes up, the max is bin Ng', () => {
    const d = discretiseFixedBinNumber(roiOf([0, 1.99, 2, 5, 9.99, 10]), 5);
    expect(Array.from(d.levels)).toEqual([1, 1, 2, 3, 5, 5]);
    expect(d.levelCount).toBe(5);
    expect(d.bins).toEqual({ lower: 0, width: 2 });
  });

  it('FBN: voxels outside the intensity mask are 0 and do not set the range', () => {
    const d = discretiseFixedBinNumber(roiOf([-1000, 10, 20, 30], [0, 1, 1, 1]), 2);
    expect(Array.from(d.levels)).toEqual([0, 1, 2, 2]);
  });

  it('FBN: a flat ROI is one level', () => {
    expect(Array.from(discretiseFixedBinNumber(roiOf([7, 7]), 32).levels)).toEqual([1, 1]);
  });

  it('FBS (IBSI anchor): bins from the lower re-segmentation bound, else from the ROI minimum', () => {
    const roi = roiOf([-500, -476, -475, -451, 377]);
    const d = discretiseFixedBinSize(roi, 25, { lower: -500 });
    expect(Array.from(d.levels)).toEqual([1, 1, 2, 2, 36]);
    expect(d.levelCount).toBe(36);
    const fromMin = discretiseFixedBinSize(roiOf([-13, 11, 12]), 25);
    expect(Array.from(fromMin.levels)).toEqual([1, 1, 2]);
  });

  it('FBS (PyRadiomics anchor): edges at multiples of the width', () => {
    const d = discretiseFixedBinSize(roiOf([-13, -0.5, 0, 24.99, 25, 50]), 25, { anchor: 'pyradiomics' });
    // ⌊x/25⌋ − ⌊−13/25⌋ + 1
    expect(Array.from(d.levels)).toEqual([1, 1, 2, 2, 3, 4]);
    expect(d.bins.lower).toBe(-25);
  });

  it('FBS: values exactly on edges of an inexact width go to the bin above', () => {
    const w = 0.1;
    const values = Array.from({ length: 30 }, (_, k) => 0 + k * w);
    const { levels } = fixedBinSizeLevels(Float64Array.from(values), new Uint8Array(30).fill(1), w, {
      lower: 0,
    });
    expect(Array.from(levels)).toEqual(values.map((_, k) => k + 1));
  });

  it('FBS: refuses values below the first bin', () => {
    expect(() => discretiseFixedBinSize(roiOf([-600, 0]), 25, { lower: -500 })).toThrow(/below/);
  });
});
