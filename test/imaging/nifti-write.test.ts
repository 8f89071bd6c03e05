import { describe, expect, it } from 'vitest';
import {
  encodeNifti,
  encodeNiftiGz,
  isGzip,
  qformAffine,
  readNifti,
  readNiftiHeader,
  readNiftiHuVolume,
} from '../../core/imaging/nifti';
import { affineSpacing } from '../../core/imaging/orientation';
import type { Affine, Vec3, Volume } from '../../core/imaging/volume';
import { expectClose, fileReference, firstDifference, sampleBytes } from './samples';

/** An oblique LPS-like grid (20° about x), with a translation that float32 cannot hold exactly. */
const OBLIQUE: Affine = (() => {
  const [c, s] = [Math.cos(Math.PI / 9), Math.sin(Math.PI / 9)];
  return [-0.7, 0, 0, 101.123456789, 0, -0.7 * c, -2.5 * s, 87.3, 0, -0.7 * s, 2.5 * c, -300.1, 0, 0, 0, 1];
})();

function volumeOf(dims: Vec3, affine: Affine): Volume {
  const n = dims[0] * dims[1] * dims[2];
  const data = Int16Array.from({ length: n }, (_, i) => ((i * 7919) % 65536) - 32768);
  return { dims, spacing: affineSpacing(affine), affine, data };
}

describe('encodeNifti → read round trip', () => {
  it('int16 volume: data exact, affine exact to float32, header as specified', () => {
    const volume = volumeOf([7, 5, 3], OBLIQUE);
    const bytes = encodeNifti(volume, { description: 'sap-pipeline test' });
    expect(bytes.length).toBe(352 + 7 * 5 * 3 * 2);
    const read = readNiftiHuVolume(bytes, 'volume.nii');
    expect(read.volume.data).toBeInstanceOf(Int16Array);
    expect(firstDifference(read.volume.data, volume.data)).toBe(-1);
    expect(read.volume.dims).toEqual([7, 5, 3]);
    expect(read.volume.affine).toEqual(OBLIQUE.map(Math.fround));
    expectClose(read.volume.spacing, volume.spacing, 1e-6);
    const { header } = read;
    expect(header).toMatchObject({
      version: 1,
      littleEndian: true,
      datatype: 4,
      bitpix: 16,
      voxOffset: 352,
      sclSlope: 1,
      sclInter: 0,
      qformCode: 1,
      sformCode: 1,
      xyztUnits: 2,
      description: 'sap-pipeline test',
    });
    expect(header.dim).toEqual([3, 7, 5, 3, 1, 1, 1, 1]);
    // The qform alone gives the same grid (the affine has no shear).
    expectClose(qformAffine(header.quatern, header.qoffset, header.pixdim), OBLIQUE, 2e-5);
  });

  it('.nii.gz: gzip by content, same data, deterministic bytes', () => {
    const volume = volumeOf([16, 16, 5], fileReference('derived/ct_series_CT5N.nii.gz').affine);
    const compressed = encodeNiftiGz(volume);
    expect(isGzip(compressed)).toBe(true);
    expect(encodeNiftiGz(volume)).toEqual(compressed);
    expect(firstDifference(readNiftiHuVolume(compressed, 'volume.nii.gz').volume.data, volume.data)).toBe(-1);
  });

  it('a uint8 mask: same header, datatype uint8', () => {
    const dims: Vec3 = [4, 3, 2];
    const mask = Uint8Array.from({ length: 24 }, (_, n) => (n % 5 === 0 ? 1 : 0));
    const bytes = encodeNiftiGz({ dims, affine: OBLIQUE, data: mask });
    const image = readNifti(bytes, 'mask.nii.gz');
    expect(image.datatype).toBe('uint8');
    expect(image.header.bitpix).toBe(8);
    expect(Array.from(image.values)).toEqual(Array.from(mask));
    expect(image.affine).toEqual(OBLIQUE.map(Math.fround));
  });

  it.each(['derived/ct_small.nii.gz', 'nibabel/anatomical.nii', 'derived/ct_series_CT5N.nii.gz'])(
    're-encoding %s keeps data and affine',
    (file) => {
      const first = readNiftiHuVolume(sampleBytes(file), file).volume;
      const again = readNiftiHuVolume(encodeNiftiGz(first), 'again.nii.gz').volume;
      expect(firstDifference(again.data, first.data)).toBe(-1);
      expect(again.affine).toEqual(first.affine.map(Math.fround));
    },
  );

  it('a 180° rotation (LPS-like) is stored so that nibabel, too, reads quaternion a = 0', () => {
    const [b, c, d] = readNiftiHeader(encodeNifti(volumeOf([2, 2, 2], OBLIQUE)), 'x').quatern;
    const deficit = 1 - (b * b + c * c + d * d);
    expect(deficit).toBeLessThanOrEqual(0);
    expect(deficit).toBeGreaterThanOrEqual(-3 * 2 ** -23); // nibabel's Nifti1Header.quaternion_threshold
  });

  it('a left-handed grid writes qfac −1', () => {
    const leftHanded: Affine = [-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];
    const header = readNiftiHeader(encodeNifti(volumeOf([2, 2, 2], leftHanded)), 'x');
    expect(header.pixdim[0]).toBe(-1);
    expect(qformAffine(header.quatern, header.qoffset, header.pixdim).map((v) => v + 0)).toEqual(leftHanded);
  });

  it('a sheared affine: sform exact, qform the nearest rotation', () => {
    const sheared: Affine = [1, 0.2, 0, 5, 0, 1, 0, 6, 0, 0, 3, 7, 0, 0, 0, 1];
    const image = readNifti(encodeNifti(volumeOf([2, 2, 2], sheared)), 'x');
    expect(image.affine).toEqual(sheared.map(Math.fround));
    const { quatern, qoffset, pixdim } = image.header;
    const q = qformAffine(quatern, qoffset, pixdim);
    expectClose([q[3], q[7], q[11]] as number[], [5, 6, 7], 0);
    expectClose(affineSpacing(q), affineSpacing(sheared), 1e-6);
  });

  it('refuses inconsistent input (a programming error, not an upload problem)', () => {
    const volume = volumeOf([2, 2, 2], OBLIQUE);
    expect(() => encodeNifti({ ...volume, data: new Int16Array(7) })).toThrow(/7 voxels/);
    expect(() => encodeNifti({ ...volume, dims: [0, 2, 2] })).toThrow(/dims/);
    expect(() =>
      encodeNifti({ ...volume, affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }),
    ).toThrow(/affine/);
  });
});
