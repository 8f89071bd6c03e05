import { describe, expect, it } from 'vitest';
import { SEVERE_VARIANTS, TISSUE, generatePhantom } from '../../core/phantom';
import { MID, huAt, interior, labelled, phantom, stats, world } from './helpers';

describe('generatePhantom: severity variants', () => {
  const seed = 5;
  const normal = () => phantom({ dims: MID, seed });

  it('oedematous: a larger, lower-attenuation gland in stranded fat', () => {
    const p = phantom({ dims: MID, seed, variant: 'oedematous' });
    expect(p.description.pancreasVolumeMl).toBeGreaterThan(normal().description.pancreasVolumeMl * 1.3);
    const gland = stats(
      huAt(
        p,
        interior(p, (l) => l === TISSUE.pancreas),
      ),
    );
    expect(gland.mean).toBeGreaterThanOrEqual(20);
    expect(gland.mean).toBeLessThanOrEqual(30);
    expect(p.description.stranding).toBe(true);
    const fat = stats(
      huAt(
        p,
        interior(p, (l) => l === TISSUE.stranding),
      ),
    );
    expect(fat.mean).toBeGreaterThanOrEqual(-40);
    expect(fat.mean).toBeLessThanOrEqual(0);
    expect(
      stats(
        huAt(
          normal(),
          interior(normal(), (l) => l === TISSUE.visceralFat),
        ),
      ).mean,
    ).toBeLessThan(-80);
  });

  it.each([0.3, 0.6])('necrotising: %s of the gland is low-attenuation, measured from the HU', (fraction) => {
    const p = phantom({ dims: MID, seed, variant: 'necrotising', necrosisFraction: fraction });
    expect(p.description.necrosisFraction).toBeCloseTo(fraction, 2);
    const inGland = (l: number) => l === TISSUE.pancreas || l === TISSUE.necrosis;
    const voxels = interior(p, inGland);
    const low = voxels.filter((n) => p.volume.data[n]! < 28.5).length / voxels.length; // between 12 and 45 HU
    const truth = voxels.filter((n) => p.labels[n] === TISSUE.necrosis).length / voxels.length;
    expect(Math.abs(low - truth)).toBeLessThan(0.08);
    expect(Math.abs(truth - fraction)).toBeLessThan(0.12);
    const necrosis = stats(
      huAt(
        p,
        interior(p, (l) => l === TISSUE.necrosis),
      ),
    );
    expect(necrosis.mean).toBeGreaterThanOrEqual(0);
    expect(necrosis.mean).toBeLessThanOrEqual(20);
    expect(p.clinical.ct.necrosis).toBe(fraction > 0.5 ? 'over-50' : 'up-to-30');
  });

  it('peripancreatic-fluid: collections of 0–20 HU beside the gland, outside the mask', () => {
    const p = phantom({ dims: MID, seed, variant: 'peripancreatic-fluid' });
    const d = p.description;
    expect(d.peripancreaticFluidMl).toBeGreaterThan(20);
    expect(d.collections).toBeGreaterThanOrEqual(2);
    expect(d.pancreasVolumeMl).toBe(normal().description.pancreasVolumeMl);
    const fluid = stats(
      huAt(
        p,
        interior(p, (l) => l === TISSUE.peripancreaticFluid),
      ),
    );
    expect(fluid.mean).toBeGreaterThanOrEqual(0);
    expect(fluid.mean).toBeLessThanOrEqual(20);
    const fluidVoxels = labelled(p, TISSUE.peripancreaticFluid);
    expect(fluidVoxels.some((n) => p.mask.data[n] === 1)).toBe(false);
    // Most of the fluid lies within 25 mm of the gland.
    const gland = labelled(p, TISSUE.pancreas)
      .filter((_, n) => n % 7 === 0)
      .map((n) => world(p, n));
    const sample = fluidVoxels.filter((_, n) => n % 11 === 0).map((n) => world(p, n));
    const near = sample.filter((f) =>
      gland.some((g) => Math.hypot(f[0] - g[0], f[1] - g[1], f[2] - g[2]) < 25),
    );
    expect(near.length / sample.length).toBeGreaterThan(0.6);
  });

  it('pleural-effusion: fluid in the posterior lung bases at the top slices', () => {
    const p = phantom({ dims: MID, seed, variant: 'pleural-effusion' });
    const d = p.description;
    expect(d.pleuralEffusion).toBe(true);
    expect(d.pleuralEffusionMl).toBeGreaterThan(20);
    const effusion = labelled(p, TISSUE.pleuralEffusion).map((n) => world(p, n));
    expect(Math.min(...effusion.map((w) => w[2]))).toBeGreaterThan(20);
    expect(Math.max(...effusion.map((w) => w[1]))).toBeLessThan(-30);
    expect(effusion.some((w) => w[0] > 0) && effusion.some((w) => w[0] < 0)).toBe(true); // bilateral
    const fluid = stats(
      huAt(
        p,
        interior(p, (l) => l === TISSUE.pleuralEffusion),
      ),
    );
    expect(fluid.mean).toBeGreaterThanOrEqual(10);
    expect(fluid.mean).toBeLessThanOrEqual(20);
    const lung = stats(
      huAt(
        p,
        interior(p, (l) => l === TISSUE.lung),
      ),
    );
    expect(Math.abs(lung.mean - -850)).toBeLessThan(3);
    const left = phantom({ dims: MID, seed, variant: 'pleural-effusion', effusionSide: 'left' });
    const leftOnly = labelled(left, TISSUE.pleuralEffusion).map((n) => world(left, n));
    expect(leftOnly.length).toBeGreaterThan(0);
    expect(leftOnly.every((w) => w[0] < 0)).toBe(true);
  });

  it('combines variants into a severe case', () => {
    const p = phantom({ dims: MID, seed, variant: SEVERE_VARIANTS });
    const d = p.description;
    expect(d.variants).toEqual([...SEVERE_VARIANTS]);
    expect(d.necrosisFraction).toBeCloseTo(0.3, 2);
    expect(d.peripancreaticFluidMl).toBeGreaterThan(20);
    expect(d.pleuralEffusionMl).toBeGreaterThan(20);
    expect(d.organs).toEqual(
      expect.arrayContaining(['necrosis', 'peripancreaticFluid', 'pleuralEffusion', 'stranding']),
    );
    expect(p.clinical.outcome.atlantaSeverity).toBe('severe');
  });

  it('records an effusion the field of view misses', () => {
    const p = generatePhantom({ seed, variant: 'pleural-effusion', dims: [64, 64, 16], spacing: [6, 6, 5] });
    expect(p.description.lungBasesInView).toBe(false);
    expect(p.description.pleuralEffusion).toBe(true);
    expect(p.description.pleuralEffusionMl).toBe(0);
    expect(p.clinical.admission.pleuralEffusion).toBe(true);
  });
});
