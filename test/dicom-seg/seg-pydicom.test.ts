/**
 * The pancreas DICOM SEG read back by pydicom (scripts/dicom-seg/check-seg.py): every frame's pixels equal
 * the mask where the frame's own plane geometry puts them, and every frame references the source image it
 * lies on (same Frame of Reference, ImagePositionPatient, orientation, spacing). Real GE CT slices and
 * phantom series in both in-plane layouts, so a flip or a reversed slice order in the mapping shows.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DicomFile } from '../../core/imaging/dicom';
import { encodeDicomSeries, generatePhantom } from '../../core/phantom';
import { DICOM_SAMPLES } from '../imaging/samples';
import { checkWithPydicom, maskOf, normalisedSeries, pydicomMissing, segOf } from './seg-case';

const missing = pydicomMissing();
if (missing) console.warn(missing);
const root = mkdtempSync(path.join(tmpdir(), 'sap-seg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;

/** A pattern no flip, transposition or slice reversal maps onto itself. */
const asymmetric = (i: number, j: number, k: number) => (i + 2 * j + 3 * k) % 5 === 0 && i < j + k;

function checked(files: DicomFile[], inside: (i: number, j: number, k: number) => boolean) {
  const { volume, source } = normalisedSeries(files);
  const mask = maskOf(volume, inside);
  const result = checkWithPydicom(path.join(root, `case-${cases++}`), files, mask, segOf(mask, source));
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return { ...result.summary!, mask };
}

const sampleSeries = (folder: string): DicomFile[] =>
  readdirSync(new URL(`${folder}/`, DICOM_SAMPLES)).map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(new URL(`${folder}/${name}`, DICOM_SAMPLES))),
  }));

describe.skipIf(missing !== undefined)('DICOM SEG checked by pydicom', () => {
  it('real GE CT series (files in descending z): frames equal the mask, each on its source image', () => {
    const summary = checked(sampleSeries('pydicom_ct_series_CT5N'), asymmetric);
    expect(summary.maskVoxels).toBeGreaterThan(0);
    expect(summary.segPixels).toBe(summary.maskVoxels);
    expect(summary.frames).toBe(5);
  });

  it('real single CT slice', () => {
    const files = [
      {
        name: 'CT_small.dcm',
        bytes: new Uint8Array(readFileSync(new URL('pydicom_CT_small.dcm', DICOM_SAMPLES))),
      },
    ];
    const summary = checked(files, (i, j) => (i - 40) ** 2 + (j - 70) ** 2 < 300 && i > j - 50);
    expect(summary.frames).toBe(1);
    expect(summary.segPixels).toBe(summary.maskVoxels);
  });

  for (const layout of ['volume', 'scanner'] as const) {
    it(`phantom series, ${layout} layout: the phantom's pancreas, frames only where it is`, () => {
      const phantom = generatePhantom({ seed: 7, dims: [48, 40, 24] });
      const files = encodeDicomSeries(phantom.volume, { seed: 7, layout });
      const { mask, frames, maskVoxels, segPixels } = checked(
        files,
        (i, j, k) => phantom.mask.data[i + 48 * (j + 40 * k)] === 1,
      );
      const withPancreas = new Set<number>();
      mask.data.forEach((v, n) => v && withPancreas.add(Math.floor(n / (48 * 40))));
      expect(segPixels).toBe(maskVoxels);
      expect(frames).toBe(withPancreas.size);
      expect(frames).toBeLessThan(24);
    });
  }

  it('the check fails when the SEG holds another mask than the one given, or another series', () => {
    const files = sampleSeries('pydicom_ct_series_CT5N');
    const { volume, source } = normalisedSeries(files);
    const mask = maskOf(volume, asymmetric);
    const mirrored = maskOf(volume, (i, j, k) => asymmetric(volume.dims[0] - 1 - i, j, k));
    const wrongPixels = checkWithPydicom(
      path.join(root, `case-${cases++}`),
      files,
      mask,
      segOf(mirrored, source),
    );
    expect(wrongPixels.status).toBe(1);
    expect(wrongPixels.stderr).toMatch(/frame \d+ pixels differ from the mask/);

    const phantom = generatePhantom({ seed: 3, dims: [16, 16, 5] });
    const other = encodeDicomSeries(phantom.volume, { seed: 3 });
    const wrongSeries = checkWithPydicom(
      path.join(root, `case-${cases++}`),
      other,
      mask,
      segOf(mask, source),
    );
    expect(wrongSeries.status).toBe(1);
    expect(wrongSeries.stderr).toMatch(/FrameOfReferenceUID differs from the source/);
    expect(wrongSeries.stderr).toMatch(/references an instance not in the source series/);
  });

  it('an empty mask gives one empty frame', () => {
    const summary = checked(sampleSeries('pydicom_ct_series_CT5N'), () => false);
    expect(summary).toMatchObject({ frames: 1, maskVoxels: 0, segPixels: 0 });
  });
});
