import { beforeAll, describe, expect, it } from 'vitest';
import {
  FIELD_OF_VIEW_MM,
  SEVERE_VARIANTS,
  TISSUE,
  generatePhantom,
  type Phantom,
  type TissueName,
} from '../../core/phantom';
import { MID, centroid, huAt, interior, labelled, phantom, stats, world } from './helpers';

describe('generatePhantom: grid and determinism', () => {
  it('defaults to a 96×96×64 canonical RAS+ grid covering the field of view', () => {
    const { volume, mask } = phantom();
    expect(volume.dims).toEqual([96, 96, 64]);
    expect(volume.data).toBeInstanceOf(Int16Array);
    expect(volume.data.length).toBe(96 * 96 * 64);
    volume.spacing.forEach((s, a) => expect(s).toBeCloseTo(FIELD_OF_VIEW_MM[a]! / volume.dims[a]!, 10));
    const a = volume.affine;
    expect([a[1], a[2], a[4], a[6], a[8], a[9], a[12], a[13], a[14], a[15]]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
    expect([a[0], a[5], a[10]]).toEqual(volume.spacing);
    expect(mask.dims).toEqual(volume.dims);
    expect(mask.affine).toEqual(volume.affine);
    expect(mask.data.length).toBe(volume.data.length);
  });

  it('gives byte-identical output for the same seed', () => {
    const a = generatePhantom({ seed: 42, variant: SEVERE_VARIANTS });
    const b = generatePhantom({ seed: 42, variant: SEVERE_VARIANTS });
    expect(Buffer.from(a.volume.data.buffer).equals(Buffer.from(b.volume.data.buffer))).toBe(true);
    expect(Buffer.from(a.mask.data).equals(Buffer.from(b.mask.data))).toBe(true);
    expect(a.clinical).toEqual(b.clinical);
    expect(a.description).toEqual(b.description);
  });

  it('gives another patient for another seed', () => {
    const a = phantom({ seed: 1 });
    const b = phantom({ seed: 2 });
    expect(Buffer.from(a.volume.data.buffer).equals(Buffer.from(b.volume.data.buffer))).toBe(false);
    expect(Buffer.from(a.mask.data).equals(Buffer.from(b.mask.data))).toBe(false);
    expect(a.clinical).not.toEqual(b.clinical);
  });

  it('draws the same patient at any resolution', () => {
    const low = phantom({ seed: 3 });
    const high = phantom({ seed: 3, dims: MID });
    expect(high.clinical).toEqual(low.clinical);
    expect(high.description.patient).toEqual(low.description.patient);
    expect(high.description.pancreasVolumeMl).toBeCloseTo(low.description.pancreasVolumeMl, -1);
  });

  it('rejects bad options', () => {
    expect(() => generatePhantom({ variant: 'mild' as never })).toThrow(/unknown phantom variant/);
    expect(() => generatePhantom({ variant: ['normal', 'oedematous'] })).toThrow(/cannot be combined/);
    expect(() => generatePhantom({ variant: 'necrotising', necrosisFraction: 1.5 })).toThrow(
      /necrosisFraction/,
    );
    expect(() => generatePhantom({ dims: [0, 10, 10] })).toThrow(/dims/);
    expect(() => generatePhantom({ seed: 0.5 })).toThrow(/seed/);
  });
});

describe('generatePhantom: anatomy', () => {
  let p: Phantom;
  beforeAll(() => {
    p = phantom({ dims: MID, seed: 11 });
  });

  it('draws each tissue at its HU with about the requested noise', () => {
    const checked: TissueName[] = [];
    for (const [name, label] of Object.entries(TISSUE) as [TissueName, number][]) {
      const voxels = interior(p, (l) => l === label);
      if (voxels.length < 200) continue;
      checked.push(name);
      const { mean, sd } = stats(huAt(p, voxels));
      const expected = p.description.tissueHu[name];
      const clamped = expected <= -1000; // the scanner clamp at -1024 trims air's lower tail
      expect(Math.abs(mean - expected), name).toBeLessThan(clamped ? 3 : 2);
      expect(sd, name).toBeGreaterThan(clamped ? 7 : 9);
      expect(sd, name).toBeLessThan(15);
    }
    for (const name of [
      'air',
      'subcutaneousFat',
      'muscle',
      'liver',
      'spleen',
      'kidney',
      'artery',
      'lung',
    ] as const) {
      expect(checked).toContain(name);
    }
  });

  it('uses the documented HU ranges', () => {
    const hu = p.description.tissueHu;
    expect(hu.air).toBe(-1000);
    expect(hu.subcutaneousFat).toBeGreaterThanOrEqual(-120);
    expect(hu.subcutaneousFat).toBeLessThanOrEqual(-80);
    expect(hu.muscle).toBeGreaterThanOrEqual(40);
    expect(hu.corticalBone).toBeGreaterThanOrEqual(400);
    expect(hu.liver).toBeGreaterThanOrEqual(55);
    expect(hu.artery).toBe(40);
    expect(hu.pancreas).toBeGreaterThanOrEqual(40);
    expect(hu.pancreas).toBeLessThanOrEqual(50);
    expect(hu.lung).toBe(-850);
  });

  it('puts the liver on the patient’s right (+x) and the spleen on the left', () => {
    expect(centroid(p, TISSUE.liver)[0]).toBeGreaterThan(30);
    expect(centroid(p, TISSUE.spleen)[0]).toBeLessThan(-50);
    expect(centroid(p, TISSUE.artery)[0]).toBeLessThan(0); // aorta left of the midline
    expect(centroid(p, TISSUE.vein)[0]).toBeGreaterThan(0); // IVC on the right
    const spine = centroid(p, TISSUE.cancellousBone);
    expect(Math.abs(spine[0])).toBeLessThan(3);
    expect(spine[1]).toBeLessThan(-20); // posterior
    expect(centroid(p, TISSUE.lung)[2]).toBeGreaterThan(50); // lung bases at the top of the field
  });

  it('shapes the pancreas: head right, tail left toward the spleen, body in front of the aorta', () => {
    const gland = labelled(p, TISSUE.pancreas).map((n) => world(p, n));
    const xs = gland.map((w) => w[0]);
    expect(Math.max(...xs)).toBeGreaterThan(30);
    expect(Math.min(...xs)).toBeLessThan(-75);
    const aorta = labelled(p, TISSUE.artery)
      .map((n) => world(p, n))
      .filter((w) => Math.abs(w[2]) < 5 && w[0] < 0 && w[0] > -30);
    const aortaY = Math.max(...aorta.map((w) => w[1]));
    const overAorta = gland.filter((w) => Math.abs(w[0] - -14) < 5);
    expect(overAorta.length).toBeGreaterThan(0);
    for (const w of overAorta) expect(w[1]).toBeGreaterThan(aortaY);
    const head = gland.filter((w) => w[0] > 20);
    const tail = gland.filter((w) => w[0] < -60);
    expect(stats(tail.map((w) => w[2])).mean).toBeGreaterThan(stats(head.map((w) => w[2])).mean); // tail higher
  });

  it('has a mask that is exactly the pancreas, about 45 HU, 40–120 mL', () => {
    for (let n = 0; n < p.labels.length; n++) {
      const gland = p.labels[n] === TISSUE.pancreas || p.labels[n] === TISSUE.necrosis;
      if (p.mask.data[n] !== (gland ? 1 : 0)) throw new Error(`mask differs from the gland at ${n}`);
    }
    const inside = stats(
      huAt(
        p,
        interior(p, (l) => l === TISSUE.pancreas),
      ),
    );
    expect(Math.abs(inside.mean - 45)).toBeLessThan(3);
    const all = stats(p.volume.data.filter((_, n) => p.mask.data[n] === 1));
    expect(all.mean).toBeGreaterThan(20); // edges blend with fat, the gland still dominates
    expect(p.description.pancreasVolumeMl).toBeGreaterThan(40);
    expect(p.description.pancreasVolumeMl).toBeLessThan(120);
    const voxelMl = p.volume.spacing.reduce((a, b) => a * b, 1) / 1000;
    const maskMl = p.mask.data.reduce((a, b) => a + b, 0) * voxelMl;
    expect(maskMl).toBeCloseTo(p.description.pancreasVolumeMl, 1);
  });

  it('keeps the gland a plausible size across seeds', () => {
    for (const seed of [21, 22, 23, 24]) {
      const ml = generatePhantom({ seed }).description.pancreasVolumeMl;
      expect(ml, `seed ${seed}`).toBeGreaterThan(40);
      expect(ml, `seed ${seed}`).toBeLessThan(120);
    }
  });

  it('describes what it drew', () => {
    const d = p.description;
    expect(d.variants).toEqual(['normal']);
    for (const organ of [
      'liver',
      'spleen',
      'kidney',
      'artery',
      'pancreas',
      'bowelGas',
      'corticalBone',
      'lung',
    ]) {
      expect(d.organs).toContain(organ);
    }
    expect(d.organs).not.toContain('necrosis');
    expect(d.necrosisFraction).toBe(0);
    expect(d.peripancreaticFluidMl).toBe(0);
    expect(d.pleuralEffusion).toBe(false);
    expect(d.pleuralEffusionMl).toBe(0);
    expect(d.lungBasesInView).toBe(true);
    expect(d.tissueVolumesMl.liver).toBeGreaterThan(1000);
    expect(d.tissueVolumesMl.liver).toBeLessThan(2500);
  });

  it('enhances vessels and organs with contrast', () => {
    const c = phantom({ dims: MID, seed: 11, contrast: true });
    expect(c.description.tissueHu.artery).toBeGreaterThanOrEqual(150);
    const aorta = stats(
      huAt(
        c,
        interior(c, (l) => l === TISSUE.artery),
      ),
    );
    expect(Math.abs(aorta.mean - c.description.tissueHu.artery)).toBeLessThan(3);
    expect(Buffer.from(c.labels).equals(Buffer.from(p.labels))).toBe(true); // same anatomy, other phase
  });
});
