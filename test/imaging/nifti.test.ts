import { describe, expect, it } from 'vitest';
import {
  niftiToHuVolume,
  qformAffine,
  quaternionForm,
  readNifti,
  readNiftiHeader,
  readNiftiHuVolume,
} from '../../core/imaging/nifti';
import type { Vec3 } from '../../core/imaging/volume';
import { DT, buildNifti, gz } from './nifti-builder';
import { expectClose, fileReference, firstDifference, issuesOf, reference, sampleBytes } from './samples';

const THREE_D = [
  'nibabel/anatomical.nii',
  'nibabel/standard.nii.gz',
  'derived/ct_small.nii.gz',
  'derived/ct_series_CT5N.nii.gz',
];

describe('readNifti on the shared samples (against nibabel 5.0.0)', () => {
  it.each(THREE_D)('%s: header, affine, statistics and voxels', (file) => {
    const ref = fileReference(file);
    const image = readNifti(sampleBytes(file), file);
    expect(image.header.version).toBe(ref.version);
    expect(image.header.littleEndian).toBe(ref.littleEndian);
    expect(image.header.dim).toEqual(ref.dim);
    expect(image.header.voxOffset).toBe(ref.voxOffset);
    expect(image.header.sclSlope).toBe(ref.sclSlope);
    expect(image.header.sclInter).toBe(ref.sclInter);
    expect(image.datatype).toBe(ref.datatype);
    expect(image.dims).toEqual(ref.dim.slice(1, 4));
    expect(image.orientationSource).toBe('sform');
    expect(image.warnings).toEqual([]);
    expectClose(image.affine, ref.affine, 1e-5);
    const { header } = image;
    expectClose(qformAffine(header.quatern, header.qoffset, header.pixdim), ref.qform, 1e-5);

    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of image.values) [min, max, sum] = [Math.min(min, v), Math.max(max, v), sum + v];
    expect([min, max, sum]).toEqual([ref.stats?.min, ref.stats?.max, ref.stats?.sum]);
    const [nx, ny] = image.dims;
    for (const { ijk, value } of ref.voxels ?? []) {
      expect(image.values[ijk[0] + nx * (ijk[1] + ny * ijk[2])]).toBe(value);
    }
  });

  it('anatomical.nii: big-endian int16, LAS, 2 mm', () => {
    const image = readNifti(sampleBytes('nibabel/anatomical.nii'), 'anatomical.nii');
    expect(image.header.littleEndian).toBe(false);
    expect(image.dims).toEqual([33, 41, 25]);
    expect(image.pixdim).toEqual([2, 2, 2]);
    expect(image.affine.slice(0, 12)).toEqual([-2, 0, 0, 32, 0, 2, 0, -40, 0, 0, 2, -16]);
  });

  it('standard.nii.gz: uint8 4×5×7, spacing (1, 3, 2), RAS, read as float32', () => {
    const image = readNifti(sampleBytes('nibabel/standard.nii.gz'), 'standard.nii.gz');
    expect(image.datatype).toBe('uint8');
    expect(image.values).toBeInstanceOf(Float32Array);
    expect(image.dims).toEqual([4, 5, 7]);
    expect(image.affine).toEqual([1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
  });

  it('ct_small.nii.gz: HU = stored − 1024 (scl_slope 1, scl_inter −1024); HU min −896, max 1167, mean −119.07', () => {
    const { volume, header } = readNiftiHuVolume(sampleBytes('derived/ct_small.nii.gz'), 'ct_small.nii.gz');
    expect([header.sclSlope, header.sclInter]).toEqual([1, -1024]);
    expect(volume.dims).toEqual([128, 128, 1]);
    const hu = Array.from(volume.data);
    expect(Math.min(...hu)).toBe(-896);
    expect(Math.max(...hu)).toBe(1167);
    expect(hu.reduce((a, b) => a + b, 0) / hu.length).toBeCloseTo(-119.07, 2);
    expectClose(volume.spacing, [0.661468, 0.661468, 5], 1e-6);
    expectClose(
      volume.affine,
      [-0.661468, 0, 0, 158.1358, 0, 0.661468, 0, 95.0294, 0, 0, 5, -75.7, 0, 0, 0, 1],
      1e-4,
    );
  });

  it('ct_series_CT5N.nii.gz: HU min −888, max 85, mean −138.531; the documented affine', () => {
    const { volume } = readNiftiHuVolume(sampleBytes('derived/ct_series_CT5N.nii.gz'), 'CT5N.nii.gz');
    expect(volume.dims).toEqual([16, 16, 5]);
    const hu = Array.from(volume.data);
    expect([Math.min(...hu), Math.max(...hu)]).toEqual([-888, 85]);
    expect(hu.reduce((a, b) => a + b, 0) / hu.length).toBeCloseTo(-138.531, 3);
    expectClose(volume.affine, fileReference('derived/ct_series_CT5N.nii.gz').affine, 1e-5);
    expectClose(volume.spacing, [0.488281, 0.488281, 2.5], 1e-6);
  });

  it('readNifti + niftiToHuVolume gives the same volume as readNiftiHuVolume', () => {
    const bytes = sampleBytes('derived/ct_small.nii.gz');
    const viaFloat = niftiToHuVolume(readNifti(bytes, 'a'), 'a');
    const direct = readNiftiHuVolume(bytes, 'a').volume;
    expect({ ...viaFloat, data: null }).toEqual({ ...direct, data: null });
    expect(firstDifference(viaFloat.data, direct.data)).toBe(-1);
  });

  it('example_nifti2.nii.gz: the header reads as NIfTI-2, 32×20×12×2; readNifti refuses it as 4D', () => {
    const file = 'nibabel/example_nifti2.nii.gz';
    const header = readNiftiHeader(sampleBytes(file), file);
    expect(header.version).toBe(2);
    expect(header.headerSize).toBe(540);
    expect(header.dim).toEqual(fileReference(file).dim);
    expect(header.dim.slice(0, 5)).toEqual([4, 32, 20, 12, 2]);
    expect(header.voxOffset).toBe(608);
    // This quaternion is a near-180° rotation (1 − b² − c² − d² < 1e-7): nifti1_io, followed here, takes a = 0;
    // nibabel takes a = √(1 − b² − c² − d²), which puts terms up to 1.4e-4 off the diagonal.
    expectClose(qformAffine(header.quatern, header.qoffset, header.pixdim), fileReference(file).qform, 2e-4);
    expect(issuesOf(() => readNifti(sampleBytes(file), file))).toMatchObject([
      { code: 'NIFTI_NOT_3D', field: 'dim' },
    ]);
  });

  it('example4d.nii.gz: an extension block (vox_offset 416) and 2 time points → NIFTI_NOT_3D', () => {
    const file = 'nibabel/example4d.nii.gz';
    expect(readNiftiHeader(sampleBytes(file), file).voxOffset).toBe(416);
    expect(issuesOf(() => readNiftiHuVolume(sampleBytes(file), file))[0]?.code).toBe('NIFTI_NOT_3D');
  });
});

const DATATYPE_CASES: [keyof typeof DT, number[], 'Float32Array' | 'Float64Array'][] = [
  ['uint8', [0, 1, 127, 128, 200, 255], 'Float32Array'],
  ['int8', [-128, -1, 0, 1, 100, 127], 'Float32Array'],
  ['int16', [-32768, -1024, -1, 0, 3071, 32767], 'Float32Array'],
  ['uint16', [0, 1, 1024, 32768, 40000, 65535], 'Float32Array'],
  ['int32', [-2147483648, -70000, -1, 0, 16777217, 2147483647], 'Float64Array'],
  ['uint32', [0, 1, 70000, 16777217, 2147483648, 4294967295], 'Float64Array'],
  ['float32', [-1000.5, -0.25, 0, 1e-3, 3.5, 1e30], 'Float32Array'],
  ['float64', [-1000.5, 0.1, 0, 1e-300, 16777217.5, 1e300], 'Float64Array'],
];

describe('datatypes × byte orders × header versions', () => {
  const variants = [1, 2].flatMap((version) =>
    [true, false].map((littleEndian) => ({ version, littleEndian })),
  );
  for (const [name, values, arrayType] of DATATYPE_CASES) {
    it.each(variants)(`${name} NIfTI-$version littleEndian=$littleEndian`, ({ version, littleEndian }) => {
      const bytes = buildNifti({
        version: version as 1 | 2,
        littleEndian,
        dims: [3, 2, 1],
        datatype: DT[name],
        values,
        sformCode: 1,
      });
      const image = readNifti(bytes, 'x.nii');
      expect(image.header.version).toBe(version);
      expect(image.header.littleEndian).toBe(littleEndian);
      expect(image.datatype).toBe(name);
      expect(image.values.constructor.name).toBe(arrayType);
      const expected = name === 'float32' ? values.map(Math.fround) : values;
      expect(Array.from(image.values)).toEqual(expected);
      // The same through gzip, which decodes into a buffer the reader owns (swapped in place when big-endian).
      expect(Array.from(readNifti(gz(bytes), 'x.nii.gz').values)).toEqual(expected);
    });
  }

  it.each([
    'int64',
    'uint64',
    'complex64',
    'complex128',
    'complex256',
    'rgb24',
    'rgba32',
    'float128',
    'binary',
  ] as const)('%s → NIFTI_UNSUPPORTED_DATATYPE naming the type', (name) => {
    const issues = issuesOf(() => readNifti(buildNifti({ datatype: DT[name], dims: [2, 2, 2] }), 'x.nii'));
    expect(issues).toMatchObject([{ code: 'NIFTI_UNSUPPORTED_DATATYPE', field: 'datatype', file: 'x.nii' }]);
    expect(issues[0]?.message).toContain(name);
  });

  it('an unknown datatype code → NIFTI_UNSUPPORTED_DATATYPE', () => {
    const issues = issuesOf(() => readNifti(buildNifti({ datatype: 3, bitpix: 8 }), 'x.nii'));
    expect(issues[0]).toMatchObject({
      code: 'NIFTI_UNSUPPORTED_DATATYPE',
      message: expect.stringContaining('3'),
    });
  });

  it('bitpix that disagrees with datatype → NIFTI_BAD_HEADER (bitpix)', () => {
    const issues = issuesOf(() => readNifti(buildNifti({ datatype: DT.int16, bitpix: 8 }), 'x.nii'));
    expect(issues).toMatchObject([{ code: 'NIFTI_BAD_HEADER', field: 'bitpix' }]);
  });
});

describe('scl_slope / scl_inter', () => {
  const raw = [-10, 0, 10, 1000];
  const read = (sclSlope: number, sclInter: number, datatype: number = DT.int16): number[] =>
    Array.from(
      readNifti(buildNifti({ dims: [4, 1, 1], datatype, values: raw, sclSlope, sclInter }), 'x').values,
    );

  it('y = slope·x + inter', () => {
    expect(read(2, -1024)).toEqual([-1044, -1024, -1004, 976]);
    expect(read(0.5, 0.25, DT.float32)).toEqual([-4.75, 0.25, 5.25, 500.25]);
  });

  it('slope 0 or NaN means no scaling, whatever the intercept', () => {
    expect(read(0, 7)).toEqual(raw);
    expect(read(NaN, NaN)).toEqual(raw);
  });

  it('an infinite slope, or a NaN intercept with a valid slope → NIFTI_BAD_HEADER', () => {
    expect(issuesOf(() => read(Infinity, 0))).toMatchObject([
      { code: 'NIFTI_BAD_HEADER', field: 'scl_slope' },
    ]);
    expect(issuesOf(() => read(2, NaN))).toMatchObject([{ code: 'NIFTI_BAD_HEADER', field: 'scl_inter' }]);
  });

  it('readNiftiHuVolume applies scaling while rounding to int16', () => {
    const bytes = buildNifti({ dims: [4, 1, 1], values: [0, 1, 2, 3], sclSlope: 0.5, sclInter: -1024 });
    expect(Array.from(readNiftiHuVolume(bytes, 'x').volume.data)).toEqual([-1024, -1023, -1023, -1022]);
  });
});

describe('orientation fields', () => {
  it.each(reference.quaternion)('qform only ($name): the quaternion affine nibabel computes', (q) => {
    const bytes = buildNifti({ qformCode: 1, quatern: q.quatern, qoffset: q.qoffset, pixdim: q.pixdim });
    const image = readNifti(bytes, 'x');
    expect(image.orientationSource).toBe('qform');
    expectClose(image.affine, q.qform, 1e-5);
  });

  it.each(reference.quaternion)('quaternionForm ($name) matches nibabel set_qform', (q) => {
    const form = quaternionForm(q.affine);
    expect(form.qfac).toBe(q.pixdim[0]);
    expectClose(form.spacing, q.pixdim.slice(1), 1e-6);
    // Exact in float64; as stored (float32) it reads back as nibabel's stored qform does.
    expectClose(qformAffine(form.quatern, form.qoffset, [form.qfac, ...form.spacing]), q.affine, 1e-12);
    const f32 = (values: number[]): number[] => values.map(Math.fround);
    const stored = qformAffine(
      f32(form.quatern) as Vec3,
      f32(form.qoffset) as Vec3,
      f32([form.qfac, ...form.spacing]),
    );
    expectClose(stored, q.qform, 1e-6);
  });

  it('sform only: srow rows are the affine', () => {
    const srow = [0, 0, -1.5, 10, 0.8, 0, 0, -20, 0, 2.5, 0, 30];
    const image = readNifti(buildNifti({ sformCode: 2, srow }), 'x');
    expect(image.orientationSource).toBe('sform');
    expect(image.affine).toEqual([...srow.map(Math.fround), 0, 0, 0, 1]);
  });

  it('sform wins over qform when both are set', () => {
    const image = readNifti(
      buildNifti({
        sformCode: 1,
        qformCode: 1,
        srow: [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3],
        quatern: [0, 0, 1],
      }),
      'x',
    );
    expect(image.affine).toEqual([2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1]);
  });

  it('neither: method 1 (pixdim diagonal) with a NIFTI_NO_ORIENTATION warning', () => {
    const image = readNifti(buildNifti({ pixdim: [1, 0.7, 0.8, 3] }), 'x.nii');
    expect(image.orientationSource).toBe('pixdim');
    expectClose(image.affine, [0.7, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1], 1e-6);
    expect(image.warnings).toMatchObject([
      { code: 'NIFTI_NO_ORIENTATION', file: 'x.nii', field: 'sform_code' },
    ]);
  });

  it('xyzt_units metres or microns are converted to mm', () => {
    const srow = [0.001, 0, 0, 0.1, 0, 0.001, 0, 0, 0, 0, 0.002, 0];
    const metres = readNifti(
      buildNifti({ sformCode: 1, srow, xyztUnits: 1, pixdim: [1, 0.001, 0.001, 0.002] }),
      'x',
    );
    expectClose(metres.affine, [1, 0, 0, 100, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1], 1e-5);
    expectClose(metres.pixdim, [1, 1, 2], 1e-6);
    const microns = readNifti(buildNifti({ sformCode: 1, xyztUnits: 3, pixdim: [1, 500, 500, 500] }), 'x');
    expectClose(microns.affine.slice(0, 3), [0.001, 0, 0], 1e-12);
  });

  it('a singular or non-finite sform → NIFTI_BAD_HEADER', () => {
    const singular = buildNifti({ sformCode: 1, srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0] });
    expect(issuesOf(() => readNifti(singular, 'x'))).toMatchObject([
      { code: 'NIFTI_BAD_HEADER', field: 'srow_x' },
    ]);
    const infinite = buildNifti({ sformCode: 1, srow: [1, 0, 0, Infinity, 0, 1, 0, 0, 0, 0, 1, 0] });
    expect(issuesOf(() => readNifti(infinite, 'x'))[0]?.code).toBe('NIFTI_BAD_HEADER');
  });
});
