import { describe, expect, it } from 'vitest';
import type { Mask } from '../../core/imaging/mask';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { generatePhantom } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { radiomicsSettingsSchema } from '../../core/radiomics/settings';
import { allowed, phantom as fixture } from './digital-phantom';

const affine = (s: Vec3) => [s[0], 0, 0, 0, 0, s[1], 0, 0, 0, 0, s[2], 0, 0, 0, 0, 1];

describe('extractRadiomics on the IBSI digital phantom, through the whole engine', () => {
  const dims = fixture.dims as Vec3;
  const spacing = fixture.spacingMm as Vec3;
  const image: Volume = { dims, spacing, affine: affine(spacing), data: Int16Array.from(fixture.value) };
  const mask: Mask = { dims, affine: affine(spacing), data: Uint8Array.from(fixture.mask) };
  // No interpolation or re-segmentation; FBS 1 from the ROI minimum leaves the grey levels 1, 3, 4, 6 as they are.
  const settings = radiomicsSettingsSchema.parse({
    profile: 'ibsi-digital-phantom',
    discretisation: { method: 'FBS', width: 1 },
    dimensionality: ['2D', '2_5D', '3D'],
  });
  const result = extractRadiomics(image, mask, settings);

  it.each(fixture.reference.map((r) => [r.tag, r] as const))('%s', (tag, reference) => {
    const value = result.features[tag];
    expect(value, `${tag} is computed`).toBeDefined();
    const tolerance = allowed(reference);
    expect(
      Math.abs(value! - reference.value),
      `${tag}: ${value} vs ${reference.value} ± ${tolerance}`,
    ).toBeLessThanOrEqual(tolerance);
  });
});

describe('extractRadiomics: regions it refuses', () => {
  const dims: Vec3 = [20, 20, 20];
  const image: Volume = {
    dims,
    spacing: [1, 1, 1],
    affine: affine([1, 1, 1]),
    data: new Int16Array(8000).fill(40),
  };
  const maskOf = (voxels: number[]): Mask => {
    const data = new Uint8Array(8000);
    for (const v of voxels) data[v] = 1;
    return { dims, affine: affine([1, 1, 1]), data };
  };
  const settings = profileSettings('pancreas');

  it('an empty mask', () => {
    expect(() => extractRadiomics(image, maskOf([]), settings)).toThrow(
      expect.objectContaining({ name: 'MASK_EMPTY' }),
    );
  });

  it('a one-voxel mask, with a reason instead of NaNs', () => {
    expect(() => extractRadiomics(image, maskOf([4210]), settings)).toThrow(
      expect.objectContaining({ name: 'MASK_TOO_SMALL', message: expect.stringContaining('1 voxel') }),
    );
  });

  it('a mask on another grid', () => {
    const shifted = { ...maskOf([4210]), affine: affine([1, 1, 1]).map((v, n) => (n === 3 ? v + 5 : v)) };
    expect(() => extractRadiomics(image, shifted, settings)).toThrow(
      expect.objectContaining({ name: 'MASK_GRID_MISMATCH' }),
    );
    const smaller = {
      dims: [10, 10, 10] as Vec3,
      affine: affine([1, 1, 1]),
      data: new Uint8Array(1000).fill(1),
    };
    expect(() => extractRadiomics(image, smaller, settings)).toThrow(
      expect.objectContaining({ name: 'MASK_GRID_MISMATCH' }),
    );
  });

  it('a region that re-segmentation empties (all fat)', () => {
    const fat: Volume = { ...image, data: new Int16Array(8000).fill(-100) };
    const cube = Array.from(
      { length: 64 },
      (_, n) => 5 + (n % 4) + 20 * (5 + (Math.floor(n / 4) % 4)) + 400 * (5 + Math.floor(n / 16)),
    );
    expect(() => extractRadiomics(fat, maskOf(cube), settings)).toThrow(
      expect.objectContaining({ name: 'ROI_EMPTY_AFTER_RESEGMENTATION' }),
    );
  });
});

describe('extractRadiomics with the pancreas profile on a phantom', () => {
  it('gives every 3D feature a finite value and records how it was computed', () => {
    const phantom = generatePhantom({ dims: [128, 128, 64], seed: 3, variant: 'oedematous' });
    const result = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
    expect(result.undefinedFeatures).toEqual([]);
    expect(Object.keys(result.features).length).toBeGreaterThan(150);
    expect(result.settings.profile).toBe('pancreas');
    expect(result.roi.spacingMm).toEqual([1, 1, 1]);
    // The mesh volume of the resampled mask agrees with the phantom's own pancreas volume.
    expect(result.features.morph_volume! / 1000).toBeCloseTo(phantom.description.pancreasVolumeMl, -1);
  });
});
