import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import { maskBoundingBox } from '../../core/imaging/grid/bounding-box';
import { axisGrid, axisPosition } from '../../core/imaging/grid/grid';
import {
  interpolateRoi,
  processRoi,
  resegment,
  roundHalfEven,
  toRoiImage,
} from '../../core/radiomics/processing';
import { prefilterCubicLine } from '../../core/imaging/grid/bspline';

const count = (d: Vec3) => d[0] * d[1] * d[2];

/** A grid filled by f(i, j, k). */
function grid(dims: Vec3, f: (i: number, j: number, k: number) => number): Float64Array {
  const out = new Float64Array(count(dims));
  for (let k = 0, p = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++, p++) out[p] = f(i, j, k);
  return out;
}

describe('centre-aligned grid (IBSI-1 section 2.4)', () => {
  it('sizes the grid ⌈n·s/s′⌉ and aligns its centre with the original centre', () => {
    const axis = axisGrid(204, 0.9769999980926514, 2);
    expect(axis.count).toBe(100);
    expect(axisPosition(axis, 0) + axisPosition(axis, 99)).toBeCloseTo(203, 12);
    expect(axisGrid(60, 3, 2).count).toBe(90);
    expect(axisGrid(201, 0.977, 2).count).toBe(99);
  });

  it('places new voxels by hand-computable positions', () => {
    // 4 voxels of 1 mm → 2 voxels of 2 mm centred on the old grid: old coordinates 0.5 and 2.5.
    const axis = axisGrid(4, 1, 2);
    expect([axisPosition(axis, 0), axisPosition(axis, 1)]).toEqual([0.5, 2.5]);
    // 3 voxels of 1 mm → 2 of 2 mm: the 4 mm grid overhangs the 3 mm one by ½ mm at each end.
    const odd = axisGrid(3, 1, 2);
    expect([axisPosition(odd, 0), axisPosition(odd, 1)]).toEqual([0, 2]);
  });

  it('treats an unchanged spacing as the identity', () => {
    expect(axisGrid(60, 3, 3)).toMatchObject({ identity: true, count: 60, origin: 0, step: 1 });
  });
});

describe('image interpolation', () => {
  const dims: Vec3 = [9, 8, 7];
  const ramp = (i: number, j: number, k: number) => 3 * i - 5 * j + 2.5 * k + 7;
  const image = { dims, spacing: [1, 1.5, 2] as Vec3, data: grid(dims, ramp) };
  const mask = { dims, data: new Uint8Array(count(dims)).fill(1) };

  it('trilinear interpolation of a linear ramp is exact inside the grid', () => {
    const out = interpolateRoi(image, mask, {
      spacing: [0.7, 1.1, 1.3],
      roundIntensities: false,
      region: 'image',
    });
    const axes = ([0, 1, 2] as const).map((a) => axisGrid(dims[a], image.spacing[a], [0.7, 1.1, 1.3][a]!));
    let checked = 0;
    for (let k = 0, p = 0; k < out.dims[2]; k++)
      for (let j = 0; j < out.dims[1]; j++)
        for (let i = 0; i < out.dims[0]; i++, p++) {
          const x = [axisPosition(axes[0]!, i), axisPosition(axes[1]!, j), axisPosition(axes[2]!, k)];
          if (x.some((v, a) => v < 0 || v > dims[a]! - 1)) continue;
          expect(out.intensity[p]).toBeCloseTo(ramp(x[0]!, x[1]!, x[2]!), 9);
          checked++;
        }
    expect(checked).toBeGreaterThan(200);
  });

  it('extrapolates by the nearest edge value outside the grid', () => {
    const one: Vec3 = [2, 1, 1];
    const out = interpolateRoi(
      { dims: one, spacing: [1, 1, 1], data: Float64Array.of(10, 20) },
      { dims: one, data: Uint8Array.of(1, 1) },
      { spacing: [0.5, 1, 1], roundIntensities: false, region: 'image' },
    );
    // Positions -0.25, 0.25, 0.75, 1.25.
    expect(Array.from(out.intensity)).toEqual([10, 12.5, 17.5, 20]);
  });

  it('the cubic B-spline prefilter makes the spline pass through the samples', () => {
    const samples = [3, -1, 4, 1, -5, 9, 2, 6, 5, 3];
    const c = Float64Array.from(samples);
    prefilterCubicLine(c, c.length);
    const at = (k: number) => c[k < 0 ? -k : k >= c.length ? 2 * c.length - 2 - k : k]!;
    samples.forEach((v, k) => expect((at(k - 1) + 4 * at(k) + at(k + 1)) / 6).toBeCloseTo(v, 10));
  });

  it('cubic interpolation keeps constants and reproduces a ramp away from the edges', () => {
    const flat = interpolateRoi({ ...image, data: new Float64Array(count(dims)).fill(42) }, mask, {
      spacing: [0.7, 1.1, 1.3],
      imageOrder: 'cubic',
      roundIntensities: false,
      region: 'image',
    });
    for (const v of flat.intensity) expect(v).toBeCloseTo(42, 9);
    const n = 41;
    const line = { dims: [n, 1, 1] as Vec3, spacing: [1, 1, 1] as Vec3, data: grid([n, 1, 1], (i) => 2 * i) };
    const out = interpolateRoi(
      line,
      { dims: line.dims, data: new Uint8Array(n).fill(1) },
      {
        spacing: [0.7, 1, 1],
        imageOrder: 'cubic',
        roundIntensities: false,
        region: 'image',
      },
    );
    const axis = axisGrid(n, 1, 0.7);
    for (let m = 0; m < out.dims[0]; m++) {
      const x = axisPosition(axis, m);
      if (x > 12 && x < n - 13) expect(out.intensity[m]).toBeCloseTo(2 * x, 6);
    }
  });

  it('rounds intensities to the nearest integer, ties to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 3]);
    const out = interpolateRoi(image, mask, { spacing: [0.7, 1.1, 1.3] });
    for (const v of out.intensity) expect(Number.isInteger(v)).toBe(true);
  });

  it('interpolates in-plane only for 2D (the slice axis is untouched)', () => {
    const out = interpolateRoi(image, mask, {
      spacing: [0.5, 0.5, 0.5],
      inPlaneOnly: true,
      roundIntensities: false,
      region: 'image',
    });
    expect(out.gridDims).toEqual([18, 24, 7]);
    expect(out.spacing).toEqual([0.5, 0.5, 2]);
  });
});

describe('mask interpolation and partial-volume threshold', () => {
  // A 10 × 1 × 1 line whose mask covers i ≤ 4; resampled to 0.25 mm the mask fraction at x ∈ [4, 5] is 5 − x.
  const dims: Vec3 = [10, 1, 1];
  const image = { dims, spacing: [1, 1, 1] as Vec3, data: new Int16Array(10) };
  const mask = { dims, data: Uint8Array.from({ length: 10 }, (_, i) => (i <= 4 ? 1 : 0)) };
  const axis = axisGrid(10, 1, 0.25);

  it.each([0.5, 0.2, 0.9])('keeps voxels whose interpolated mask is ≥ %s', (threshold) => {
    const out = interpolateRoi(image, mask, {
      spacing: [0.25, 1, 1],
      partialVolumeThreshold: threshold,
      region: 'image',
    });
    for (let m = 0; m < out.gridDims[0]; m++) {
      const x = axisPosition(axis, m);
      const fraction = Math.min(1, Math.max(0, 5 - x));
      expect(out.mask[m]).toBe(fraction >= threshold ? 1 : 0);
    }
  });

  it('treats any non-zero label as inside', () => {
    const labelled = { dims, data: Uint8Array.from(mask.data, (v) => v * 255) };
    const a = interpolateRoi(image, mask, { spacing: [0.25, 1, 1], region: 'image' });
    const b = interpolateRoi(image, labelled, { spacing: [0.25, 1, 1], region: 'image' });
    expect(b.mask).toEqual(a.mask);
  });

  it('refuses an empty mask and mismatched dims', () => {
    expect(() => interpolateRoi(image, { dims, data: new Uint8Array(10) }, { spacing: null })).toThrow(
      /empty/,
    );
    expect(() =>
      interpolateRoi(image, { dims: [5, 2, 1], data: new Uint8Array(10) }, { spacing: null }),
    ).toThrow(/dims/);
  });
});

describe('cropping around the ROI', () => {
  const dims: Vec3 = [40, 36, 20];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2000 - 1000;
  const data = Int16Array.from(grid(dims, () => Math.round(random())));
  const maskData = Uint8Array.from(
    grid(dims, (i, j, k) => ((i - 12) ** 2 + (j - 20) ** 2 + (k - 6) ** 2 < 30 ? 1 : 0)),
  );
  const image = { dims, spacing: [0.8, 0.8, 2.5] as Vec3, data };
  const mask = { dims, data: maskData };

  it.each(['nearest', 'linear', 'cubic'] as const)(
    '%s: the ROI box equals the same box of the whole image',
    (order) => {
      const options = { spacing: [1.1, 1.1, 1.1] as Vec3, imageOrder: order, roundIntensities: false };
      const roi = interpolateRoi(image, mask, options);
      const full = interpolateRoi(image, mask, { ...options, region: 'image' });
      expect(roi.gridDims).toEqual(full.gridDims);
      let inside = 0;
      for (let k = 0, p = 0; k < roi.dims[2]; k++)
        for (let j = 0; j < roi.dims[1]; j++)
          for (let i = 0; i < roi.dims[0]; i++, p++) {
            const q =
              roi.offset[0] +
              i +
              full.gridDims[0] * (roi.offset[1] + j + full.gridDims[1] * (roi.offset[2] + k));
            expect(Math.abs(roi.intensity[p]! - full.intensity[q]!)).toBeLessThan(1e-3);
            expect(roi.mask[p]).toBe(full.mask[q]);
            inside += roi.mask[p]!;
          }
      let total = 0;
      for (const v of full.mask) total += v;
      expect(inside).toBe(total);
      expect(inside).toBeGreaterThan(0);
    },
  );

  it('a known mask bounding box gives the same result as scanning the mask', () => {
    const options = { spacing: [1.1, 1.1, 1.1] as Vec3, imageOrder: 'linear' as const };
    const scanned = interpolateRoi(image, mask, options);
    const given = interpolateRoi(image, mask, { ...options, maskBox: maskBoundingBox(mask.data, dims) });
    expect(given).toEqual(scanned);
  });

  it('the RoiImage is cut to the morphological mask bounding box', () => {
    const roi = processRoi(image, mask, {
      interpolation: { spacing: null },
      resegmentation: { range: { lower: 0 } },
    });
    expect(roi.dims).toEqual([11, 11, 11]);
    expect(roi.spacing).toEqual([0.8, 0.8, 2.5]);
    for (let p = 0; p < roi.intensity.length; p++) {
      expect(roi.intensityMask[p]).toBe(roi.morphologicalMask[p] && roi.intensity[p]! >= 0 ? 1 : 0);
    }
  });
});

describe('re-segmentation (IBSI-1 section 2.5)', () => {
  const intensity = Float64Array.of(-600, -500, 0, 400, 401, 50);
  const morph = Uint8Array.of(1, 1, 1, 1, 1, 0);

  it('keeps the inclusive range; either bound may be absent', () => {
    expect(Array.from(resegment(intensity, morph, { range: { lower: -500, upper: 400 } }))).toEqual([
      0, 1, 1, 1, 0, 0,
    ]);
    expect(Array.from(resegment(intensity, morph, { range: { lower: -500 } }))).toEqual([0, 1, 1, 1, 1, 0]);
    expect(Array.from(resegment(intensity, morph, { range: { upper: 0, lower: null } }))).toEqual([
      1, 1, 1, 0, 0, 0,
    ]);
    expect(Array.from(resegment(intensity, morph, {}))).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it('drops intensities beyond mean ± 3σ (population σ) and leaves the morphological mask alone', () => {
    // Twenty 0s and one 100: mean 4.76, σ 21.3, so the upper limit 68.7 drops the 100.
    const values = Float64Array.from([...new Array<number>(20).fill(0), 100]);
    const m = new Uint8Array(21).fill(1);
    const out = resegment(values, m, { outlierFilter: true });
    expect(out[20]).toBe(0);
    expect(out.slice(0, 20).every((v) => v === 1)).toBe(true);
    expect(m.every((v) => v === 1)).toBe(true);
    // σ = 2 keeps nothing above 4.76 + 42.6 either; σ = 5 keeps the 100 (limit 111).
    expect(resegment(values, m, { outlierFilter: 5 })[20]).toBe(1);
  });

  it('toRoiImage keeps both masks', () => {
    const roi = toRoiImage(
      {
        gridDims: [6, 1, 1],
        spacing: [1, 1, 1],
        offset: [0, 0, 0],
        dims: [6, 1, 1],
        intensity,
        mask: morph,
      },
      resegment(intensity, morph, { range: { lower: -500, upper: 400 } }),
    );
    expect(roi.dims).toEqual([5, 1, 1]);
    expect(Array.from(roi.morphologicalMask)).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(roi.intensityMask)).toEqual([0, 1, 1, 1, 0]);
  });
});
