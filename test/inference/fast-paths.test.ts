/**
 * The shortcuts of the CPU stages around the networks give the same values as the plain computations
 * they replace: fused bilinear planes, probabilities computed on demand, the component search inside a
 * known box, and the mask's gzip that skips its zeros.
 */
import { crc32, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bilinearPlaneFloat32, resampleAxisFloat32 } from '../../core/imaging/grid/axis-pass';
import { maskBoundingBox } from '../../core/imaging/grid/bounding-box';
import { centreAlignedGrid } from '../../core/imaging/grid/grid';
import { axisPlan } from '../../core/imaging/grid/kernels';
import type { Box } from '../../core/imaging/grid/types';
import { encodeNifti, uint8WithHeaderRoom } from '../../core/imaging/nifti';
import { crc32ZeroExtend } from '../../core/imaging/nifti/sparse-gzip';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { Blender, ForegroundMap } from '../../core/inference/foreground-map';
import { keepLargestComponent, keepLargestComponentIn } from '../../core/inference/largest-component';
import type { UnetCard } from '../../core/inference/model-card';
import type { Axes } from '../../core/inference/resample';
import { patchGrid } from '../../core/inference/sliding-window';
import { encodeMaskNiftiGz, volumeMask } from '../../core/inference/volume-mask';
import { fill, voxels } from './grids';

/** Same bits everywhere (−0 and NaN included). */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n++) if (!Object.is(a[n], b[n])) return false;
  return true;
}

describe('bilinearPlaneFloat32', () => {
  it('gives the bits of a pass along i then a pass along j, up- and downsampling', () => {
    const dims: Vec3 = [37, 29, 1];
    const hu = Int16Array.from(fill(dims, (i, j) => ((i * 131 + j * 71) % 400) - 200));
    for (const target of [2.5, 0.4]) {
      const [ai, aj] = centreAlignedGrid(dims, [0.7, 0.9, 1], [target, target, 1]);
      const planI = axisPlan(ai, 0, ai.count, 0, dims[0], 'linear');
      const planJ = axisPlan(aj, 0, aj.count, 0, dims[1], 'linear');
      const alongI = resampleAxisFloat32(dims, hu, 0, planI);
      const reference = resampleAxisFloat32(alongI.dims, alongI.data, 1, planJ);
      const fused = new Float32Array(ai.count * aj.count);
      bilinearPlaneFloat32(hu, dims[0], planI, planJ, fused);
      expect(sameBits(fused, reference.data)).toBe(true);
    }
  });
});

describe('foreground probabilities on demand', () => {
  const dims: Vec3 = [23, 19, 13];
  const patch: Vec3 = [8, 6, 4];
  const output = (kind: 'logits' | 'probability', channels: number): UnetCard['output'] => ({
    name: 'out',
    kind,
    channels,
    foregroundChannel: channels - 1,
    threshold: 0.5,
  });
  /** Blended outputs of a smooth field with values right at the threshold's logit 0 too. */
  function blended(channels: number, scale: number, offset: number): Blender {
    const blend = new Blender(dims, patch, channels);
    const patchVoxels = voxels(patch);
    for (const start of patchGrid(dims, patch, 0.5)) {
      const values = new Float32Array(channels * patchVoxels);
      for (let c = 0, q = 0; c < channels; c++)
        for (let k = 0; k < patch[2]; k++)
          for (let j = 0; j < patch[1]; j++)
            for (let i = 0; i < patch[0]; i++, q++) {
              const [x, y, z] = [start[0] + i, start[1] + j, start[2] + k];
              values[q] =
                offset +
                (c === 0 ? 1 : -1) * scale * Math.round(Math.sin(x / 3) * Math.cos(y / 4) * 8 - z / 4);
            }
      blend.add(start, values, 0);
    }
    return blend;
  }
  const cases = [
    { name: 'sigmoid of one logit', output: output('logits', 1), channels: 1, scale: 0.7, offset: 0 },
    { name: 'softmax of two logits', output: output('logits', 2), channels: 2, scale: 0.7, offset: 0 },
    { name: 'blended probability', output: output('probability', 1), channels: 1, scale: 0.05, offset: 0.5 },
  ];
  for (const c of cases) {
    it(`${c.name}: boxAbove, inBox and volumeMask as from every voxel's probability`, () => {
      const all = new ForegroundMap(blended(c.channels, c.scale, c.offset), c.output, dims).all();
      for (const level of [0.5, 0.2, 0.9]) {
        const expected = maskBoundingBox(
          Uint8Array.from(all, (p) => (p > level ? 1 : 0)),
          dims,
        );
        expect(
          new ForegroundMap(blended(c.channels, c.scale, c.offset), c.output, dims).boxAbove(level),
        ).toEqual(expected);
      }
      const box: Box = { start: [3, 2, 1], size: [9, 11, 7] };
      const inBox = new ForegroundMap(blended(c.channels, c.scale, c.offset), c.output, dims).inBox(box);
      for (let k = 0, v = 0; k < dims[2]; k++)
        for (let j = 0; j < dims[1]; j++)
          for (let i = 0; i < dims[0]; i++, v++) {
            const inside = [i, j, k].every((x, a) => x >= box.start[a]! && x < box.start[a]! + box.size[a]!);
            expect(Object.is(inBox[v], inside ? all[v] : 0)).toBe(true);
          }

      const spacing: Vec3 = [0.8, 0.7, 1.5];
      const volumeDims: Vec3 = [60, 50, 21];
      const axes = centreAlignedGrid(volumeDims, spacing, [2.1, 1.9, 2.5]) as Axes;
      const modelDims = axes.map((a) => a.count) as Vec3;
      expect(modelDims).toEqual(dims);
      const volume: Volume = {
        dims: volumeDims,
        spacing,
        affine: [0.8, 0, 0, 0, 0, 0.7, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 1],
        data: new Int16Array(voxels(volumeDims)),
      };
      const map = new ForegroundMap(blended(c.channels, c.scale, c.offset), c.output, dims);
      const fromMap = volumeMask(map, modelDims, axes, volume, 0.5);
      const fromArray = volumeMask(all, modelDims, axes, volume, 0.5);
      expect(fromMap.voxels).toBeGreaterThan(0);
      expect(fromMap.voxels).toBe(fromArray.voxels);
      expect(sameBits(fromMap.mask, fromArray.mask)).toBe(true);
      expect(fromMap.box).toEqual(maskBoundingBox(fromArray.mask, volumeDims));
    });
  }
});

describe('the largest component inside a known box', () => {
  it('keeps what keepLargestComponent keeps and gives its bounding box', () => {
    const dims: Vec3 = [20, 18, 12];
    const blobs = (i: number, j: number, k: number) =>
      (i - 6) ** 2 + (j - 6) ** 2 + (k - 5) ** 2 < 12 || (i - 15) ** 2 + (j - 12) ** 2 + (k - 7) ** 2 < 5
        ? 1
        : 0;
    const mask = Uint8Array.from(fill(dims, blobs));
    const reference = mask.slice();
    const voxelsKept = keepLargestComponent(reference, dims);
    const within: Box = { start: [1, 1, 1], size: [18, 16, 10] };
    const kept = keepLargestComponentIn(mask, dims, within);
    expect(kept.voxels).toBe(voxelsKept);
    expect(sameBits(mask, reference)).toBe(true);
    expect(kept.box).toEqual(maskBoundingBox(reference, dims));
    expect(keepLargestComponentIn(new Uint8Array(voxels(dims)), dims, within)).toEqual({
      voxels: 0,
      box: null,
    });
  });
});

describe('mask.nii.gz without reading the zeros around the mask', () => {
  it('extends a CRC-32 over zero bytes as zlib computes it over them', () => {
    for (const count of [0, 1, 7, 256, 65_537, 3_000_001])
      for (const crc of [0, 0xffffffff, crc32('volume')])
        expect(crc32ZeroExtend(crc, count)).toBe(crc32(new Uint8Array(count), crc));
  });

  const dims: Vec3 = [64, 48, 40];
  const volume: Volume = {
    dims,
    spacing: [0.7, 0.7, 1.5],
    affine: [0.7, 0, 0, 5, 0, 0.7, 0, -3, 0, 0, 1.5, 2, 0, 0, 0, 1],
    data: new Int16Array(voxels(dims)),
  };

  it.each([
    ['in the middle', { start: [20, 10, 15], size: [9, 7, 5] } as Box],
    ['at the first voxel', { start: [0, 0, 0], size: [2, 1, 1] } as Box],
    ['at the last voxel', { start: [62, 47, 39], size: [2, 1, 1] } as Box],
  ])('a mask %s: the gzip inflates to the plain NIfTI file', (_, box) => {
    const mask = uint8WithHeaderRoom(voxels(dims));
    for (let k = 0; k < box.size[2]; k++)
      for (let j = 0; j < box.size[1]; j++)
        for (let i = 0; i < box.size[0]; i++)
          if ((i + j + k) % 2 === 0)
            mask[box.start[0] + i + dims[0] * (box.start[1] + j + dims[1] * (box.start[2] + k))] = 1;
    const maskBox = maskBoundingBox(mask, dims);
    const plain = encodeNifti(
      { dims, affine: volume.affine, data: mask.slice() },
      { description: 'sap-pipeline pancreas mask (U-Net)' },
    );
    expect(sameBits(gunzipSync(encodeMaskNiftiGz(volume, mask, maskBox)), plain)).toBe(true);
    expect(sameBits(gunzipSync(encodeMaskNiftiGz(volume, mask)), plain)).toBe(true);
  });

  it('an empty mask (box null) and a mask of more than one zero chunk (1 MiB)', () => {
    const empty = uint8WithHeaderRoom(voxels(dims));
    const plainEmpty = encodeNifti(
      { dims, affine: volume.affine, data: new Uint8Array(voxels(dims)) },
      { description: 'sap-pipeline pancreas mask (U-Net)' },
    );
    expect(sameBits(gunzipSync(encodeMaskNiftiGz(volume, empty, null)), plainEmpty)).toBe(true);
    const large: Vec3 = [256, 256, 40];
    const big: Volume = { ...volume, dims: large, data: new Int16Array(voxels(large)) };
    const mask = uint8WithHeaderRoom(voxels(large));
    mask[100 + 256 * (100 + 256 * 20)] = 1;
    const plain = encodeNifti(
      { dims: large, affine: big.affine, data: mask.slice() },
      { description: 'sap-pipeline pancreas mask (U-Net)' },
    );
    expect(sameBits(gunzipSync(encodeMaskNiftiGz(big, mask, maskBoundingBox(mask, large))), plain)).toBe(
      true,
    );
  });
});
