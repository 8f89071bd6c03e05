import { expect } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import { referenceTolerance } from '../../core/radiomics/compliance';
import type { DiscretisedRoi, Features, RoiImage } from '../../core/radiomics/types';
import fixture from '../fixtures/ibsi/digital-phantom.json';

/** The IBSI-1 digital phantom (test/fixtures/ibsi/digital-phantom.json) as the feature families take it. */
export interface PhantomReference {
  family: string;
  feature: string;
  tag: string;
  value: number;
  tolerance: number;
}

export const phantom = fixture as unknown as {
  dims: Vec3;
  spacingMm: Vec3;
  value: number[];
  mask: number[];
  reference: PhantomReference[];
};

export const phantomMask = Uint8Array.from(phantom.mask);

/** Intensities with identical morphological and intensity masks (IBSI: no re-segmentation). */
export const phantomRoi: RoiImage = {
  dims: phantom.dims,
  spacing: phantom.spacingMm,
  intensity: Float64Array.from(phantom.value),
  morphologicalMask: phantomMask,
  intensityMask: phantomMask,
};

/** Grey levels 1, 3, 4, 6 need no discretisation (FBS 1 leaves them as they are): Ng = 6, 0 outside. */
export const phantomLevels: DiscretisedRoi = {
  dims: phantom.dims,
  spacing: phantom.spacingMm,
  levels: Int32Array.from(phantom.value, (v, n) => (phantom.mask[n] ? v : 0)),
  levelCount: 6,
};

export const allowed = (reference: PhantomReference): number => referenceTolerance(reference);

/** Every reference row of `family` is met by `features`; `expected` is how many rows the family has. */
export function expectFamilyMatches(family: string, features: Features, expected: number): void {
  const rows = phantom.reference.filter((r) => r.family === family);
  expect(rows).toHaveLength(expected);
  const failures = rows
    .filter((r) => !(Math.abs((features[r.tag] ?? Number.NaN) - r.value) <= allowed(r)))
    .map((r) => `${r.tag}: got ${features[r.tag]}, want ${r.value}`);
  expect(failures).toEqual([]);
}
