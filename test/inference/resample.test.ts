import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import { inverseAxis, resampleTrilinear, resizeAxis, type Axes } from '../../core/inference/resample';
import { axisPosition, centreAlignedGrid } from '../../core/imaging/grid/grid';
import { interpolateRoi } from '../../core/radiomics/processing';
import { fill, maxAbsDiff, voxels } from './grids';

const ramp = (i: number, j: number, k: number) => 3 * i - 5 * j + 2.5 * k + 7;

describe('trilinear resampling to the U-Net spacing', () => {
  const dims: Vec3 = [19, 16, 11];
  const spacing: Vec3 = [0.8, 1.1, 3];
  const target: Vec3 = [1.5, 0.7, 2];
  const axes = centreAlignedGrid(dims, spacing, target) as Axes;

  it('reproduces a linear ramp exactly wherever no tap is clamped', () => {
    const out = resampleTrilinear({ dims, data: fill(dims, ramp) }, axes);
    expect(out.dims).toEqual(axes.map((a) => a.count));
    const inside = (a: 0 | 1 | 2, m: number) => {
      const x = axisPosition(axes[a], m);
      return x >= 0 && x <= dims[a] - 1;
    };
    let checked = 0;
    let worst = 0;
    for (let k = 0, p = 0; k < out.dims[2]; k++)
      for (let j = 0; j < out.dims[1]; j++)
        for (let i = 0; i < out.dims[0]; i++, p++) {
          if (!inside(0, i) || !inside(1, j) || !inside(2, k)) continue;
          const x = [0, 1, 2].map((a) => axisPosition(axes[a]!, [i, j, k][a]!));
          worst = Math.max(worst, Math.abs(out.data[p]! - ramp(x[0]!, x[1]!, x[2]!)));
          checked++;
        }
    expect(worst).toBeLessThan(1e-4);
    expect(checked).toBeGreaterThan(voxels(out.dims) / 2);
  });

  it('matches the radiomics (IBSI, float64) interpolation of int16 HU to float32 precision', () => {
    const hu = Int16Array.from(fill(dims, (i, j, k) => ((i * 37 + j * 91 + k * 53) % 200) - 100));
    const ours = resampleTrilinear({ dims, data: hu }, axes);
    const ibsi = interpolateRoi(
      { dims, spacing, data: hu },
      { dims, data: new Uint8Array(voxels(dims)).fill(1) },
      { spacing: target, roundIntensities: false, region: 'image' },
    );
    expect(ibsi.dims).toEqual(ours.dims);
    expect(maxAbsDiff(ours.data, ibsi.intensity)).toBeLessThan(1e-4);
  });

  it('computes any box of the new grid as the whole grid has it', () => {
    const source = { dims, data: fill(dims, (i, j, k) => Math.sin(i) * Math.cos(j * k)) };
    const whole = resampleTrilinear(source, axes);
    const box = { start: [3, 5, 0] as Vec3, size: [4, 6, 2] as Vec3 };
    const part = resampleTrilinear(source, axes, box);
    expect(part.dims).toEqual(box.size);
    for (let k = 0, p = 0; k < 2; k++)
      for (let j = 0; j < 6; j++)
        for (let i = 0; i < 4; i++, p++) {
          const q = i + 3 + whole.dims[0] * (j + 5 + whole.dims[1] * k);
          expect(part.data[p]).toBeCloseTo(whole.data[q]!, 6);
        }
  });

  it('goes back to the original grid with inverseAxis (a ramp survives the round trip inside)', () => {
    const there = resampleTrilinear({ dims, data: fill(dims, ramp) }, axes);
    const back = axes.map((axis, a) => inverseAxis(axis, spacing[a]!)) as Axes;
    const again = resampleTrilinear(there, back);
    expect(again.dims).toEqual(dims);
    // Voxel (9, 8, 5) lies well inside both grids.
    expect(again.data[9 + dims[0] * (8 + dims[1] * 5)]).toBeCloseTo(ramp(9, 8, 5), 3);
  });

  it('copies the volume as float32 when the spacing is already the model’s', () => {
    const hu = Int16Array.from([1, -2, 3, -4, 5, -6, 7, -8]);
    const identity = centreAlignedGrid([2, 2, 2], [1, 1, 1], [1, 1, 1]) as Axes;
    const out = resampleTrilinear({ dims: [2, 2, 2], data: hu }, identity);
    expect(Array.from(out.data)).toEqual(Array.from(hu));
    expect(out.data).toBeInstanceOf(Float32Array);
  });
});

describe('crop resize with torch’s align_corners=False rule', () => {
  const resize = (input: number[], inSize: Vec3, outSize: Vec3) =>
    resampleTrilinear(
      { dims: inSize, data: Float32Array.from(input) },
      ([0, 1, 2] as const).map((a) => resizeAxis(inSize[a], outSize[a], 1)) as Axes,
    );

  it('halves by averaging neighbour pairs and doubles with ¼–¾ weights, edges clamped', () => {
    expect(Array.from(resize([1, 3, 5, 11], [4, 1, 1], [2, 1, 1]).data)).toEqual([2, 8]);
    // src = (dst + ½)·½ − ½ = −¼ (clamped to 0), ¼, ¾, 1¼ (clamped to 1).
    expect(Array.from(resize([4, 8], [2, 1, 1], [4, 1, 1]).data)).toEqual([4, 5, 7, 8]);
  });

  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/inference/torch-resize.json', import.meta.url), 'utf8'),
  ) as { cases: { name: string; inputSize: Vec3; outputSize: Vec3; input: number[]; output: number[] }[] };
  for (const c of fixture.cases) {
    it(`equals torch F.interpolate(trilinear, align_corners=False): ${c.name}`, () => {
      const out = resize(c.input, c.inputSize, c.outputSize);
      expect(out.dims).toEqual(c.outputSize);
      expect(maxAbsDiff(out.data, c.output)).toBeLessThan(1e-3);
    });
  }
});
