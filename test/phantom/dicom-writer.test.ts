import * as dicomParserNamespace from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../core/imaging/volume';
import {
  encodeDicomSeries,
  generatePhantom,
  type DicomFile,
  type DicomSeriesOptions,
} from '../../core/phantom';
import { formatDs } from '../../core/phantom/dicom-encoding';

type DicomParser = typeof dicomParserNamespace;
/** dicom-parser is a UMD bundle: Node's ESM loader gives it as the default export, types as named ones. */
const dicomParser: DicomParser =
  (dicomParserNamespace as unknown as { default?: DicomParser }).default ?? dicomParserNamespace;

/** Non-square, so a rows/columns mix-up shows. */
const DIMS: Vec3 = [40, 32, 12];
const phantom = generatePhantom({ dims: DIMS, seed: 9, variant: 'necrotising' });
const volume = phantom.volume;

interface Slice {
  file: DicomFile;
  ds: DataSet;
  ipp: Vec3;
  iop: number[];
  spacing: number[];
  hu: Int16Array;
}

function parse(files: DicomFile[]): Slice[] {
  return files.map((file) => {
    const ds = dicomParser.parseDicom(file.bytes);
    const pixels = ds.elements.x7fe00010!;
    const stored = new Int16Array(pixels.length / 2);
    const view = new DataView(file.bytes.buffer, file.bytes.byteOffset + pixels.dataOffset, pixels.length);
    for (let p = 0; p < stored.length; p++) stored[p] = view.getInt16(p * 2, true);
    const slope = ds.floatString('x00281053')!;
    const intercept = ds.floatString('x00281052')!;
    const hu = stored.map((v) => v * slope + intercept);
    const numbers = (tag: string) => ds.string(tag)!.split('\\').map(Number);
    return {
      file,
      ds,
      ipp: numbers('x00200032') as Vec3,
      iop: numbers('x00200037'),
      spacing: numbers('x00280030'),
      hu,
    };
  });
}

/** The standard reader's position of pixel (column c, row r), converted from LPS+ back to RAS+. */
function positionRas(s: Slice, c: number, r: number): Vec3 {
  const lps = [0, 1, 2].map(
    (a) => s.ipp[a]! + c * s.spacing[1]! * s.iop[a]! + r * s.spacing[0]! * s.iop[3 + a]!,
  );
  return [-lps[0]!, -lps[1]!, lps[2]!];
}

function voxelRas(v: Volume, i: number, j: number, k: number): Vec3 {
  const a = v.affine;
  return [0, 1, 2].map((w) => a[w * 4]! * i + a[w * 4 + 1]! * j + a[w * 4 + 2]! * k + a[w * 4 + 3]!) as Vec3;
}

/** Sorts by position along the slice normal, as a reader must (file names say nothing). */
function sortByPosition(slices: Slice[]): Slice[] {
  const [r, c] = [slices[0]!.iop.slice(0, 3), slices[0]!.iop.slice(3)];
  const normal = [
    r[1]! * c[2]! - r[2]! * c[1]!,
    r[2]! * c[0]! - r[0]! * c[2]!,
    r[0]! * c[1]! - r[1]! * c[0]!,
  ];
  const along = (s: Slice) => s.ipp.reduce((sum, v, a) => sum + v * normal[a]!, 0);
  return [...slices].sort((a, b) => along(a) - along(b));
}

function expectRoundTrip(v: Volume, options: DicomSeriesOptions) {
  const [nx, ny, nz] = v.dims;
  const slices = sortByPosition(parse(encodeDicomSeries(v, options)));
  expect(slices).toHaveLength(nz);
  const scanner = options.layout === 'scanner';
  slices.forEach((s, k) => {
    expect(s.ds.uint16('x00280010')).toBe(ny);
    expect(s.ds.uint16('x00280011')).toBe(nx);
    expect(s.ds.intString('x00200013')).toBe(k + 1);
    // HU exact, voxel by voxel.
    const expected = v.data.subarray(k * nx * ny, (k + 1) * nx * ny);
    const hu = scanner ? s.hu.slice().reverse() : s.hu;
    expect(Buffer.from(new Int16Array(hu).buffer).equals(Buffer.from(expected.slice().buffer))).toBe(true);
    // Geometry: every corner pixel lands where the volume's affine puts its voxel.
    for (const [c, r] of [
      [0, 0],
      [nx - 1, 0],
      [0, ny - 1],
      [nx - 1, ny - 1],
    ] as const) {
      const [i, j] = scanner ? [nx - 1 - c, ny - 1 - r] : [c, r];
      const got = positionRas(s, c, r);
      voxelRas(v, i, j, k).forEach((w, a) => expect(got[a]).toBeCloseTo(w, 4));
    }
  });
}

describe('encodeDicomSeries', () => {
  const files = encodeDicomSeries(volume, { seed: 9 });
  const slices = parse(files);

  it('writes one Part-10 file per slice, explicit VR little endian by default', () => {
    expect(files).toHaveLength(DIMS[2]);
    for (const { file, ds } of slices) {
      expect(file.bytes.subarray(0, 128).every((b) => b === 0)).toBe(true);
      expect(new TextDecoder().decode(file.bytes.subarray(128, 132))).toBe('DICM');
      expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
      expect(ds.string('x00020002')).toBe('1.2.840.10008.5.1.4.1.1.2');
      expect(ds.string('x00020003')).toBe(ds.string('x00080018'));
      expect(ds.elements.x00280010!.vr).toBe('US');
      expect(ds.elements.x7fe00010!.vr).toBe('OW');
      expect(ds.elements.x7fe00010!.length).toBe(DIMS[0] * DIMS[1] * 2);
    }
  });

  it('writes the CT image attributes', () => {
    for (const { ds } of slices) {
      expect(ds.string('x00080060')).toBe('CT');
      expect(ds.string('x00080008')).toBe('ORIGINAL\\PRIMARY\\AXIAL');
      expect(ds.uint16('x00280002')).toBe(1);
      expect(ds.string('x00280004')).toBe('MONOCHROME2');
      expect([ds.uint16('x00280100'), ds.uint16('x00280101'), ds.uint16('x00280102')]).toEqual([16, 16, 15]);
      expect(ds.uint16('x00280103')).toBe(1);
      expect(ds.floatString('x00281052')).toBe(-1024);
      expect(ds.floatString('x00281053')).toBe(1);
      expect(ds.floatString('x00180050')).toBeCloseTo(volume.spacing[2], 6);
      expect(ds.string('x00200037')).toBe('-1\\0\\0\\0\\-1\\0');
      const spacing = ds.string('x00280030')!.split('\\').map(Number);
      expect(spacing[0]).toBeCloseTo(volume.spacing[1], 10); // between rows (along j)
      expect(spacing[1]).toBeCloseTo(volume.spacing[0], 10); // between columns (along i)
    }
  });

  it('carries no patient identifiers and no dates', () => {
    for (const { ds } of slices) {
      expect(ds.string('x00100010')).toBe('PHANTOM^SYNTHETIC');
      expect(ds.string('x00100020')).toBe('PHANTOM-9');
      for (const date of ['x00080020', 'x00080030', 'x00100030']) expect(ds.string(date) ?? '').toBe('');
    }
  });

  it('uses deterministic 2.25 UIDs: one study and series, one SOP instance per slice', () => {
    const uid = /^2\.25\.(0|[1-9][0-9]*)$/;
    const sops = new Set<string>();
    for (const { ds } of slices) {
      for (const tag of ['x0020000d', 'x0020000e', 'x00080018', 'x00200052']) {
        expect(ds.string(tag)).toMatch(uid);
        expect(ds.string(tag)!.length).toBeLessThanOrEqual(64);
      }
      sops.add(ds.string('x00080018')!);
    }
    expect(sops.size).toBe(files.length);
    expect(new Set(slices.map((s) => s.ds.string('x0020000d'))).size).toBe(1);
    expect(new Set(slices.map((s) => s.ds.string('x0020000e'))).size).toBe(1);
    const again = encodeDicomSeries(volume, { seed: 9 });
    again.forEach((f, n) => expect(Buffer.from(f.bytes).equals(Buffer.from(files[n]!.bytes))).toBe(true));
    const other = encodeDicomSeries(volume, { seed: 10 });
    expect(other[0]!.name).not.toBe(files[0]!.name);
  });

  it('names files so that their order is not the slice order', () => {
    expect(new Set(files.map((f) => f.name)).size).toBe(files.length);
    for (const f of files) expect(f.name).toMatch(/^[0-9a-f]{32}\.dcm$/);
    const instanceOrder = slices.map((s) => s.ds.intString('x00200013'));
    expect(instanceOrder).not.toEqual([...instanceOrder].sort((a, b) => a! - b!));
  });

  it('round-trips HU and geometry: IPP of slice k is affine·(0, 0, k) in LPS', () => {
    expectRoundTrip(volume, { seed: 9 });
    for (const s of sortByPosition(slices)) {
      const k = s.ds.intString('x00200013')! - 1;
      const ras = voxelRas(volume, 0, 0, k);
      [-ras[0], -ras[1], ras[2]].forEach((w, a) => expect(s.ipp[a]).toBeCloseTo(w, 6));
    }
  });

  it('round-trips with implicit VR little endian', () => {
    const implicit = parse(encodeDicomSeries(volume, { seed: 9, transferSyntax: 'implicit' }));
    expect(implicit[0]!.ds.string('x00020010')).toBe('1.2.840.10008.1.2');
    expect(implicit[0]!.ds.elements.x00280010!.vr).toBeUndefined();
    expectRoundTrip(volume, { seed: 9, transferSyntax: 'implicit' });
  });

  it('stores HU directly with intercept 0', () => {
    const direct = parse(encodeDicomSeries(volume, { rescaleIntercept: 0 }));
    expect(direct[0]!.ds.floatString('x00281052')).toBe(0);
    expectRoundTrip(volume, { rescaleIntercept: 0 });
  });

  it('writes the usual scanner layout (IOP 1\\0\\0\\0\\1\\0) on request', () => {
    const scanner = parse(encodeDicomSeries(volume, { layout: 'scanner' }));
    expect(scanner[0]!.ds.string('x00200037')).toBe('1\\0\\0\\0\\1\\0');
    expectRoundTrip(volume, { layout: 'scanner' });
  });

  it('follows an oblique affine', () => {
    const t = (15 * Math.PI) / 180;
    const [sx, sy, sz] = [0.7, 0.9, 2.5];
    const oblique: Volume = {
      ...volume,
      spacing: [sx, sy, sz],
      affine: [
        sx * Math.cos(t),
        -sy * Math.sin(t),
        0,
        -12.5,
        sx * Math.sin(t),
        sy * Math.cos(t),
        0,
        30.25,
        0,
        0,
        sz,
        -101,
        0,
        0,
        0,
        1,
      ],
    };
    expectRoundTrip(oblique, { seed: 1 });
    expectRoundTrip(oblique, { seed: 1, layout: 'scanner', transferSyntax: 'implicit' });
  });

  it('derives the default seed from the voxels', () => {
    const a = encodeDicomSeries(volume);
    expect(a.map((f) => f.name)).toEqual(encodeDicomSeries(volume).map((f) => f.name));
    const b = encodeDicomSeries(generatePhantom({ dims: DIMS, seed: 10 }).volume);
    expect(b[0]!.name).not.toBe(a[0]!.name);
  });

  it('rejects HU that do not fit the stored int16', () => {
    const hot: Volume = { ...volume, data: volume.data.slice() };
    hot.data[5] = 32000;
    expect(() => encodeDicomSeries(hot)).toThrow(RangeError);
    expect(() => encodeDicomSeries(hot, { rescaleIntercept: 0 })).not.toThrow();
  });
});

describe('formatDs', () => {
  it.each([
    [0.78125, '0.78125'],
    [-1, '-1'],
    [-0, '0'],
    [1e-17, '0'],
    [-139.53333333333333, '-139.53333333333'],
    [1234567 / 3, '411522.333333333'],
  ])('%s → %s', (value, text) => {
    expect(formatDs(value)).toBe(text);
    expect(text.length).toBeLessThanOrEqual(16);
  });
});
