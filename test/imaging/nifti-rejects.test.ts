import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { niftiToHuVolume, readNifti, readNiftiHeader, readNiftiHuVolume } from '../../core/imaging/nifti';
import { LIMITS } from '../../core/input/limits';
import { DT, buildNifti, gz } from './nifti-builder';
import { issuesOf, sampleBytes } from './samples';

/** A header alone: what an attacker sends to make a reader allocate. */
function headerOnly(spec: Parameters<typeof buildNifti>[0]): Uint8Array {
  const full = buildNifti({ ...spec, values: [] });
  return full.subarray(0, spec?.version === 2 ? 544 : 352);
}

describe('sizes are checked from the header before anything is allocated', () => {
  it.each([
    ['NIfTI-2 60000³', { version: 2 as const, dims: [60000, 60000, 60000] }],
    ['NIfTI-1 30000³', { dims: [30000, 30000, 30000] }],
    ['NIfTI-2 60000³ big-endian', { version: 2 as const, littleEndian: false, dims: [60000, 60000, 60000] }],
  ])('%s → DIMENSIONS_TOO_LARGE in milliseconds, .nii and .nii.gz', (_name, spec) => {
    const bytes = headerOnly(spec);
    const started = performance.now();
    expect(issuesOf(() => readNifti(bytes, 'x.nii'))).toMatchObject([
      { code: 'DIMENSIONS_TOO_LARGE', field: 'dim' },
    ]);
    expect(issuesOf(() => readNiftiHuVolume(gz(bytes), 'x.nii.gz'))[0]?.code).toBe('DIMENSIONS_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('each limit: in-plane, slices, total voxels; whichever axis holds the slices', () => {
    const code = (dims: number[]): string | undefined =>
      issuesOf(() => readNifti(headerOnly({ dims }), 'x'))[0]?.code;
    expect(code([LIMITS.maxInPlane + 1, LIMITS.maxInPlane + 1, 100])).toBe('DIMENSIONS_TOO_LARGE');
    expect(code([512, 512, LIMITS.maxSlices + 1])).toBe('DIMENSIONS_TOO_LARGE');
    expect(code([1024, 1024, 1000])).toBe('DIMENSIONS_TOO_LARGE'); // > maxVoxels
    // Within limits (a sagittal stack stores slices along i): the header passes; only the data are missing.
    expect(code([LIMITS.maxSlices, 512, 512])).toBe('NIFTI_TRUNCATED');
  });
});

describe('truncated, corrupt and foreign files', () => {
  const valid = buildNifti({ dims: [4, 4, 4], values: Array.from({ length: 64 }, (_, n) => n) });

  it('a zero-byte file → FILE_EMPTY', () => {
    expect(issuesOf(() => readNifti(new Uint8Array(0), 'x.nii'))).toMatchObject([
      { code: 'FILE_EMPTY', file: 'x.nii' },
    ]);
    expect(issuesOf(() => readNiftiHeader(new Uint8Array(0), 'x.nii'))[0]?.code).toBe('FILE_EMPTY');
  });

  it('3 bytes, or a header cut short → NIFTI_TRUNCATED', () => {
    expect(issuesOf(() => readNifti(valid.subarray(0, 3), 'x'))[0]?.code).toBe('NIFTI_TRUNCATED');
    expect(issuesOf(() => readNifti(valid.subarray(0, 200), 'x'))[0]?.code).toBe('NIFTI_TRUNCATED');
    expect(issuesOf(() => readNifti(gz(valid.subarray(0, 200)), 'x'))[0]?.code).toBe('NIFTI_TRUNCATED');
  });

  it('voxel data cut short → NIFTI_TRUNCATED, raw and as a valid gzip of the short file', () => {
    const short = valid.subarray(0, valid.length - 1);
    expect(issuesOf(() => readNifti(short, 'x'))).toMatchObject([{ code: 'NIFTI_TRUNCATED', field: 'dim' }]);
    expect(issuesOf(() => readNiftiHuVolume(gz(short), 'x'))[0]?.code).toBe('NIFTI_TRUNCATED');
  });

  it('a truncated or damaged gzip stream → GZIP_CORRUPT', () => {
    const sample = sampleBytes('derived/ct_small.nii.gz');
    expect(issuesOf(() => readNifti(sample.subarray(0, sample.length - 100), 'x'))[0]?.code).toBe(
      'GZIP_CORRUPT',
    );
    expect(issuesOf(() => readNifti(sample.subarray(0, 20), 'x'))[0]?.code).toBe('GZIP_CORRUPT');
    const badCrc = sample.slice();
    badCrc[badCrc.length - 6] = (badCrc[badCrc.length - 6] as number) ^ 0xff;
    expect(issuesOf(() => readNifti(badCrc, 'x'))[0]?.code).toBe('GZIP_CORRUPT');
  });

  it('a gzip bomb behind a small header (1 MB inflating to 1 GiB) → rejected after inflating ~1 MiB', () => {
    // gzip members concatenate: the header's member, then 1024 members of 1 MiB of zeros (~1 KB each).
    const zeros = gzipSync(Buffer.alloc(1024 * 1024));
    const bomb = Buffer.concat([gzipSync(valid), ...Array.from({ length: 1024 }, () => zeros)]);
    const started = performance.now();
    expect(issuesOf(() => readNifti(bomb, 'x.nii.gz'))).toMatchObject([
      { code: 'NIFTI_BAD_HEADER', field: 'dim' },
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a NIfTI-2 vox_offset far beyond any file → NIFTI_BAD_HEADER before decompressing', () => {
    const header = buildNifti({ version: 2, dims: [2, 2, 2], voxOffset: 2 ** 50, values: [] });
    expect(issuesOf(() => readNifti(gz(header), 'x'))).toMatchObject([
      { code: 'NIFTI_BAD_HEADER', field: 'vox_offset' },
    ]);
  });

  it('a file over LIMITS.maxFileBytes → FILE_TOO_LARGE without reading it', () => {
    const huge = { length: LIMITS.maxFileBytes + 1 } as Uint8Array;
    expect(issuesOf(() => readNifti(huge, 'x'))[0]?.code).toBe('FILE_TOO_LARGE');
  });

  it('wrong magic, a .hdr/.img pair header, or not NIfTI at all → NIFTI_BAD_MAGIC', () => {
    expect(issuesOf(() => readNifti(buildNifti({ magic: 'abc\0' }), 'x'))).toMatchObject([
      { code: 'NIFTI_BAD_MAGIC', field: 'magic' },
    ]);
    expect(issuesOf(() => readNifti(buildNifti({ magic: 'ni1\0' }), 'x'))[0]?.message).toContain('.hdr/.img');
    expect(issuesOf(() => readNifti(buildNifti({ version: 2, magic: 'n+2\0\n\n\n\n' }), 'x'))[0]?.code).toBe(
      'NIFTI_BAD_MAGIC',
    );
    const text = new TextEncoder().encode('{"not": "an image"}'.repeat(30));
    expect(issuesOf(() => readNifti(text, 'x'))).toMatchObject([
      { code: 'NIFTI_BAD_MAGIC', field: 'sizeof_hdr' },
    ]);
    expect(issuesOf(() => readNifti(buildNifti({ sizeofHdr: 349 }), 'x'))[0]?.code).toBe('NIFTI_BAD_MAGIC');
  });
});

describe('dimensionality', () => {
  const code = (spec: Parameters<typeof buildNifti>[0]): string | undefined =>
    issuesOf(() => readNifti(buildNifti(spec), 'x'))[0]?.code;

  it('4D with t > 1 and 5D → NIFTI_NOT_3D', () => {
    expect(code({ dims: [2, 2, 2, 3] })).toBe('NIFTI_NOT_3D');
    expect(code({ dims: [2, 2, 2, 1, 1] })).toBe('NIFTI_NOT_3D');
    expect(code({ dims: [8], dim0: 1 })).toBe('NIFTI_NOT_3D');
  });

  it('4D with a single time point is a 3D volume; a 2D image is one slice', () => {
    expect(readNifti(buildNifti({ dims: [2, 3, 4, 1] }), 'x').dims).toEqual([2, 3, 4]);
    expect(readNifti(buildNifti({ dims: [5, 6] }), 'x').dims).toEqual([5, 6, 1]);
  });

  it('dim[0] outside 1..7 or a size below 1 → NIFTI_BAD_HEADER', () => {
    expect(code({ dims: [2, 2, 2], dim0: 0 })).toBe('NIFTI_BAD_HEADER');
    expect(code({ dims: [2, 2, 2], dim0: 8 })).toBe('NIFTI_BAD_HEADER');
    expect(issuesOf(() => readNiftiHeader(buildNifti({ dims: [2, -3, 2], values: [] }), 'x'))[0]?.code).toBe(
      'NIFTI_BAD_HEADER',
    );
  });
});

describe('pixdim and vox_offset', () => {
  it.each([0, -1, NaN, Infinity])('pixdim %s → NIFTI_BAD_HEADER (pixdim)', (size) => {
    const issues = issuesOf(() => readNifti(buildNifti({ pixdim: [1, 1, size, 1], sformCode: 1 }), 'x'));
    expect(issues).toMatchObject([{ code: 'NIFTI_BAD_HEADER', field: 'pixdim' }]);
  });

  it('vox_offset is honoured: data after an extension block are read from there', () => {
    const gap = new Uint8Array(48).fill(0xee);
    const image = readNifti(buildNifti({ dims: [2, 1, 1], values: [5, -6], gap }), 'x');
    expect(image.header.voxOffset).toBe(400);
    expect(Array.from(image.values)).toEqual([5, -6]);
  });

  it('an odd vox_offset (misaligned int16) is read correctly, both byte orders', () => {
    for (const littleEndian of [true, false]) {
      const bytes = buildNifti({
        dims: [3, 1, 1],
        values: [1, -2, 300],
        gap: new Uint8Array(1),
        littleEndian,
      });
      expect(Array.from(readNiftiHuVolume(bytes, 'x').volume.data)).toEqual([1, -2, 300]);
    }
  });

  it('vox_offset 0 is read as 352 (as nibabel does); below the header or fractional → NIFTI_BAD_HEADER', () => {
    expect(
      Array.from(readNifti(buildNifti({ dims: [1, 1, 1], values: [9], voxOffset: 0 }), 'x').values),
    ).toEqual([9]);
    const low = issuesOf(() => readNifti(buildNifti({ voxOffset: 100 }), 'x'));
    expect(low).toMatchObject([{ code: 'NIFTI_BAD_HEADER', field: 'vox_offset' }]);
    expect(issuesOf(() => readNifti(buildNifti({ voxOffset: 352.5 }), 'x'))[0]?.field).toBe('vox_offset');
  });
});

describe('HU conversion', () => {
  const floats = (values: number[]): Uint8Array =>
    buildNifti({ dims: [values.length, 1, 1], datatype: DT.float32, values });

  it('rounds to the nearest integer', () => {
    expect(Array.from(readNiftiHuVolume(floats([1.4, -2.6, 0.5, 99.5]), 'x').volume.data)).toEqual([
      1, -3, 1, 100,
    ]);
  });

  it('NaN and ±Inf voxels → NON_FINITE_VOXELS with their count, from either path', () => {
    const bytes = floats([0, NaN, 5, Infinity, -Infinity, 7]);
    const issues = issuesOf(() => readNiftiHuVolume(bytes, 'ct.nii'));
    expect(issues).toMatchObject([{ code: 'NON_FINITE_VOXELS', file: 'ct.nii' }]);
    expect(issues[0]?.message).toContain('3 of 6');
    const image = readNifti(bytes, 'ct.nii');
    expect(Number.isNaN(image.values[1])).toBe(true);
    expect(issuesOf(() => niftiToHuVolume(image, 'ct.nii'))[0]?.code).toBe('NON_FINITE_VOXELS');
  });

  it('values outside int16 → HU_IMPLAUSIBLE; with NaN as well, both issues at once', () => {
    expect(issuesOf(() => readNiftiHuVolume(floats([0, 40000, -33000]), 'x'))).toMatchObject([
      { code: 'HU_IMPLAUSIBLE', message: expect.stringContaining('2 voxels') },
    ]);
    const uint16 = buildNifti({ dims: [2, 1, 1], datatype: DT.uint16, values: [100, 65535] });
    expect(issuesOf(() => readNiftiHuVolume(uint16, 'x'))[0]?.code).toBe('HU_IMPLAUSIBLE');
    const both = issuesOf(() => readNiftiHuVolume(floats([NaN, 1e6]), 'x')).map((i) => i.code);
    expect(both).toEqual(['NON_FINITE_VOXELS', 'HU_IMPLAUSIBLE']);
  });

  it('an int16 .nii volume never aliases the caller’s bytes', () => {
    const bytes = buildNifti({ dims: [2, 1, 1], values: [10, 20] });
    const { volume } = readNiftiHuVolume(bytes, 'x');
    bytes.fill(0, 352);
    expect(Array.from(volume.data)).toEqual([10, 20]);
  });
});
