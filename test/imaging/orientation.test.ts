import { describe, expect, it } from 'vitest';
import { readNiftiHuVolume } from '../../core/imaging/nifti';
import {
  affineSpacing,
  applyAffine,
  axisCodes,
  identityAffine,
  invertAffine,
  isCanonical,
  multiplyAffines,
  nearestOrthogonal,
  reorientToCanonical,
  toCanonicalOrientation,
  type VoxelArray,
  type VoxelGrid,
} from '../../core/imaging/orientation';
import type { Affine, Vec3, Volume } from '../../core/imaging/volume';
import { expectClose, fileReference, reference, sampleBytes } from './samples';

function indexGrid(dims: Vec3, affine: Affine): VoxelGrid<Int32Array> {
  const data = Int32Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, n) => n);
  return { dims, affine, data };
}

function ijkOf(n: number, dims: Vec3): Vec3 {
  return [n % dims[0], Math.floor(n / dims[0]) % dims[1], Math.floor(n / (dims[0] * dims[1]))];
}

/** Every voxel of `out` sits where the input voxel it came from sat (data hold the input index). */
function expectWorldPositionsKept(input: VoxelGrid<Int32Array>, out: VoxelGrid<VoxelArray>): void {
  expect(Array.from(out.data).sort((a, b) => a - b)).toEqual(Array.from(input.data));
  for (let n = 0; n < out.data.length; n++) {
    const before = applyAffine(input.affine, ijkOf(out.data[n] as number, input.dims));
    const after = applyAffine(out.affine, ijkOf(n, out.dims));
    expectClose(after, before, 1e-9);
  }
}

describe('affine helpers', () => {
  const a: Affine = [0, -2, 0, 10, 1.5, 0, 0, -4, 0, 0, 3, 8, 0, 0, 0, 1];

  it('multiply, invert and apply agree', () => {
    expectClose(multiplyAffines(a, invertAffine(a)), identityAffine(), 1e-12);
    expectClose(multiplyAffines(invertAffine(a), a), identityAffine(), 1e-12);
    const world = applyAffine(a, [1, 2, 3]);
    expect(world).toEqual([6, -2.5, 17]);
    expectClose(applyAffine(invertAffine(a), world), [1, 2, 3], 1e-12);
    expect(multiplyAffines(identityAffine(), a)).toEqual(a);
  });

  it('spacing is the column norms', () => {
    expect(affineSpacing(a)).toEqual([1.5, 2, 3]);
    const ref = fileReference('derived/ct_series_CT5N.nii.gz');
    expectClose(affineSpacing(ref.affine), [0.488281, 0.488281, 2.5], 1e-6);
  });

  it('nearestOrthogonal removes scale and shear', () => {
    const q = nearestOrthogonal([2, 0.3, 0, 0, 1, 0, 0, 0, -4]);
    const qqT = [0, 1, 2].flatMap((r) =>
      [0, 1, 2].map((c) => [0, 1, 2].reduce((s, k) => s + q[r * 3 + k]! * q[c * 3 + k]!, 0)),
    );
    expectClose(qqT, [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-10);
    expect(q[8]).toBeLessThan(0);
  });

  it('axis codes as nibabel names them', () => {
    for (const file of reference.files) expect(axisCodes(file.affine)).toBe(file.axcodes);
    for (const grid of reference.orientation) expect(axisCodes(grid.affine)).toBe(grid.axcodes);
  });
});

describe('reorientToCanonical', () => {
  it.each(reference.orientation)(
    '$name ($axcodes): dims and affine as nibabel as_closest_canonical',
    (grid) => {
      const input = indexGrid(grid.dims as Vec3, grid.affine);
      const out = reorientToCanonical(input);
      expect(out.dims).toEqual(grid.canonicalDims);
      expectClose(out.affine, grid.canonicalAffine, 1e-9);
      expect(axisCodes(out.affine)).toBe('RAS');
      expectWorldPositionsKept(input, out);
      expect(out.spacing).toEqual(affineSpacing(out.affine));
    },
  );

  it('LAS anatomical.nii: the voxels nibabel finds in its canonical image', () => {
    const ref = fileReference('nibabel/anatomical.nii');
    const { volume } = readNiftiHuVolume(sampleBytes('nibabel/anatomical.nii'), 'anatomical.nii');
    const canonical = toCanonicalOrientation(volume);
    expect(canonical.dims).toEqual(ref.canonical?.dims);
    expectClose(canonical.affine, ref.canonical?.affine ?? [], 1e-6);
    const [nx, ny] = canonical.dims;
    for (const v of ref.voxels ?? []) {
      const [i, j, k] = v.canonicalIjk;
      expect(canonical.data[i + nx * (j + ny * k)]).toBe(v.canonicalValue);
      expectClose(applyAffine(canonical.affine, v.canonicalIjk), v.world, 1e-4);
      expectClose(applyAffine(volume.affine, v.ijk), v.world, 1e-4);
    }
    expect(canonical.spacing).toEqual([2, 2, 2]);
  });

  it.each(['derived/ct_small.nii.gz', 'derived/ct_series_CT5N.nii.gz'])(
    '%s (LAS) → RAS like nibabel',
    (file) => {
      const ref = fileReference(file);
      const canonical = toCanonicalOrientation(readNiftiHuVolume(sampleBytes(file), file).volume);
      expectClose(canonical.affine, ref.canonical?.affine ?? [], 1e-4);
      const [nx, ny] = canonical.dims;
      for (const v of ref.voxels ?? []) {
        const [i, j, k] = v.canonicalIjk;
        expect(canonical.data[i + nx * (j + ny * k)]).toBe(v.canonicalValue);
      }
    },
  );

  it('an already canonical grid comes back without copying its data', () => {
    const volume: Volume = {
      dims: [2, 2, 2],
      spacing: [1, 3, 2],
      affine: [1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1],
      data: new Int16Array(8),
    };
    expect(isCanonical(volume.affine)).toBe(true);
    expect(toCanonicalOrientation(volume).data).toBe(volume.data);
  });

  it('LPS: flips i and j; spacing follows the axes; the result is an int16 Volume', () => {
    const data = Int16Array.from({ length: 24 }, (_, n) => n);
    const volume: Volume = {
      dims: [2, 3, 4],
      spacing: [0.5, 0.6, 2],
      affine: [-0.5, 0, 0, 10, 0, -0.6, 0, 20, 0, 0, 2, 30, 0, 0, 0, 1],
      data,
    };
    const canonical = toCanonicalOrientation(volume);
    expect(canonical.data).toBeInstanceOf(Int16Array);
    expect(canonical.dims).toEqual([2, 3, 4]);
    expect(canonical.spacing).toEqual([0.5, 0.6, 2]);
    expect(canonical.affine).toEqual([0.5, 0, 0, 9.5, 0, 0.6, 0, 18.8, 0, 0, 2, 30, 0, 0, 0, 1]);
    expect(Array.from(canonical.data.slice(0, 6))).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it.each([
    ['RPI (rows kept, j and k flipped)', [0.5, 0, 0, 1, 0, -0.5, 0, 2, 0, 0, -3, 4, 0, 0, 0, 1]],
    ['LAI (rows reversed)', [-0.5, 0, 0, 1, 0, 0.5, 0, 2, 0, 0, -3, 4, 0, 0, 0, 1]],
    ['SLP (no axis in place)', [0, -0.5, 0, 1, 0, 0, -1, 2, 3, 0, 0, 4, 0, 0, 0, 1]],
  ])('%s keeps every voxel where it was', (_name, affine) => {
    const input = indexGrid([5, 4, 3], affine);
    const out = reorientToCanonical(input);
    expect(axisCodes(out.affine)).toBe('RAS');
    expectWorldPositionsKept(input, out);
  });

  it('a uint8 mask and its volume reorient the same way', () => {
    const grid = reference.orientation[1]!;
    const volume = indexGrid(grid.dims as Vec3, grid.affine);
    const mask: VoxelGrid<Uint8Array> = {
      ...volume,
      data: Uint8Array.from(volume.data, (v) => (v % 3 === 0 ? 1 : 0)),
    };
    const outVolume = reorientToCanonical(volume);
    const outMask = reorientToCanonical(mask);
    expect(outMask.data).toBeInstanceOf(Uint8Array);
    expect(outMask.affine).toEqual(outVolume.affine);
    expect(Array.from(outMask.data)).toEqual(Array.from(outVolume.data, (v) => (v % 3 === 0 ? 1 : 0)));
  });
});
