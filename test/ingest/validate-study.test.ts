import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSource } from '../../core/ingest/folder-source';
import { validateStudy } from '../../core/ingest/validate-study';
import { axisCodes } from '../../core/imaging/orientation';
import { main } from '../../cli/main';
import { syntheticSlice } from '../fixtures/dicom/synthetic';
import { DICOM_SAMPLES } from '../imaging/samples';
import { makeZip } from '../support/zip-writer';
import {
  json,
  smallCtNifti,
  study,
  writeStudy,
  type StudyFiles,
  VALID_CLINICAL,
} from '../bad-inputs/study-builder';
import { readFileSync, readdirSync } from 'node:fs';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-validate-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function folderOf(files: StudyFiles): Promise<string> {
  const folder = path.join(root, `study-${counter++}`);
  await writeStudy(folder, files);
  return folder;
}
const validate = async (files: StudyFiles) => validateStudy(folderSource(await folderOf(files)));

/** 20 axial 16×16 slices, 0.7 mm pixels, 2.5 mm apart, in DICOM's LPS voxel order. */
const dicomSeries = (): StudyFiles =>
  Object.fromEntries(
    Array.from({ length: 20 }, (_, k) => {
      const values = Array.from({ length: 256 }, (_, p) => (p % 16 < 3 ? -1000 : 30 + k));
      const slice = syntheticSlice({
        rows: 16,
        columns: 16,
        values,
        position: [-5, -5, 100 - 2.5 * k],
        pixelSpacing: [0.7, 0.7],
      });
      return [`image/${(k * 7919) % 997}.dcm`, slice];
    }),
  );

describe('validateStudy: accepted studies', () => {
  it('accepts a NIfTI study and returns the canonical volume and the clinical record in SI units', async () => {
    const { report, volume, clinical } = await validate(study({ 'image/ct.nii.gz': smallCtNifti() }));
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(volume?.dims).toEqual([24, 24, 20]);
    expect(axisCodes(volume!.affine)).toBe('RAS');
    expect(report.volume).toMatchObject({ format: 'nifti', dims: [24, 24, 20], spacingMm: [1, 1, 2.5] });
    expect(report.volume?.hu.min).toBe(-1000);
    expect(clinical?.admission.triglycerides).toBeCloseTo(23.4);
  });

  it('accepts a DICOM series in any file order and reorients it from LPS to RAS', async () => {
    const { report, volume } = await validate(study(dicomSeries()));
    expect(report.errors).toEqual([]);
    expect(report.volume).toMatchObject({ format: 'dicom', sourceOrientation: 'LPS', dims: [16, 16, 20] });
    expect(axisCodes(volume!.affine)).toBe('RAS');
    expect(volume!.spacing.map((s) => Number(s.toFixed(3)))).toEqual([0.7, 0.7, 2.5]);
    // Slice k = 0 of the canonical volume is the most inferior: the slice stored last (HU 30 + 19).
    expect(volume!.data[8 + 16 * 8]).toBe(49);
  });

  it('accepts the same series as a zip', async () => {
    const entries = Object.entries(dicomSeries()).map(([name, data]) => ({
      name: name.replace('image/', 'series/'),
      data,
    }));
    const { report } = await validate(study({ 'image/series.zip': makeZip(entries) }));
    expect(report.errors).toEqual([]);
    expect(report.volume?.format).toBe('dicom-zip');
  });

  it('reads only the files the manifest lists, and says so for the others', async () => {
    const files = study({ 'image/ct.nii.gz': smallCtNifti() });
    const { report } = await validate({ ...files, 'image/leftover.nii.gz': smallCtNifti() });
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => w.file)).toContain('image/leftover.nii.gz');
  });
});

describe('validateStudy: rejected studies', () => {
  it('reports every problem at once: manifest, clinical and image', async () => {
    const files = study(Object.fromEntries(Object.entries(dicomSeries()).slice(0, 10)), {
      clinical: json({ ...(VALID_CLINICAL as object), admission: { age: 'fifty' } }),
    });
    const { report } = await validate({ ...files, 'image/0.dcm': new Uint8Array([1, 2, 3]) });
    const codes = report.errors.map((e) => e.code);
    expect(codes).toEqual(expect.arrayContaining(['MANIFEST_SIZE_MISMATCH', 'CLINICAL_INVALID']));
    expect(codes.some((c) => c.startsWith('DICOM_') || c === 'TOO_FEW_SLICES')).toBe(true);
  });

  it('loads the real 5-slice CT series with its known HU statistics, then rejects it for too few slices', async () => {
    const folder = new URL('pydicom_ct_series_CT5N/', DICOM_SAMPLES);
    const image = Object.fromEntries(
      readdirSync(folder).map((f) => [`image/${f}`, new Uint8Array(readFileSync(new URL(f, folder)))]),
    );
    const { report } = await validate(study(image));
    expect(report.errors.map((e) => e.code)).toEqual(['TOO_FEW_SLICES']);
    expect(report.volume?.hu).toMatchObject({ min: -888, max: 85 });
    expect(report.volume?.hu.mean).toBeCloseTo(-138.531, 3);
    expect(report.volume?.series).toMatchObject({ modality: 'CT', sliceCount: 5, sliceSpacingMm: 2.5 });
  });
});

describe('sap validate', () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('exits 0 and prints the volume for an accepted study', async () => {
    const result = await run('validate', await folderOf(study({ 'image/ct.nii.gz': smallCtNifti() })));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^accepted/);
    expect(result.out).toContain('24 × 24 × 20 voxels');
  });

  it('exits 1 with every issue for a rejected study, as JSON with --json', async () => {
    const folder = await folderOf(
      study({}, { clinical: json({ schemaVersion: 1, admission: { temperature: 98.6 } }) }),
    );
    const result = await run('validate', folder, '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { ok: boolean; errors: { code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(
      expect.arrayContaining(['NO_IMAGE', 'CLINICAL_OUT_OF_RANGE']),
    );
  });

  it('exits 2 when the folder does not exist', async () => {
    const result = await run('validate', path.join(root, 'nowhere'));
    expect(result.code).toBe(2);
    expect(result.err).toContain('is not a folder');
  });
});
