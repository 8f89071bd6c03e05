import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closestNames, editDistance, typoAllowance } from '../../core/ingest/clinical/edit-distance';
import { nearMiss } from '../../core/ingest/clinical/near-miss';
import { normaliseClinical } from '../../core/ingest/clinical/normalise';
import { folderSource } from '../../core/ingest/folder-source';
import { validateStudy } from '../../core/ingest/validate-study';
import { json, smallCtNifti, study, VALID_CLINICAL, writeStudy } from '../bad-inputs/study-builder';

describe('editDistance', () => {
  it.each([
    ['triglicerides', 'triglycerides', 1],
    ['weigth', 'weight', 1],
    ['ca', 'ac', 1],
    ['glucos', 'glucose', 1],
    ['spo2', 'pao2', 2],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('allows no edit up to 3 letters, 1 up to 5, 2 above (by the shorter name)', () => {
    expect([typoAllowance('alt', 'alp'), typoAllowance('sodim', 'sodium')]).toEqual([0, 1]);
    expect(typoAllowance('calcuim', 'calcium')).toBe(2);
  });

  it('returns the closest candidates only, every one of them when tied', () => {
    expect(closestNames('stat_meen', ['stat_mean', 'stat_median', 'ih_mean'])).toEqual(['stat_mean']);
    expect(closestNames('ih_p50', ['ih_p10', 'ih_p90'])).toEqual(['ih_p10', 'ih_p90']);
    expect(closestNames('stat_mean', ['stat_mean', 'stat_meen'])).toEqual([]);
  });
});

describe('nearMiss: names refused with "did you mean"', () => {
  it.each([
    ['triglicerides', 'triglycerides', 'spelling'],
    ['hematocrit', 'haematocrit', 'spelling'],
    ['weigth', 'weight', 'spelling'],
    ['pleuralEffusions', 'pleuralEffusion', 'spelling'],
    ['admision', 'admission', 'spelling'],
    ['hr', 'heartRate', 'alias'],
    ['RR', 'respiratoryRate', 'alias'],
    ['temp', 'temperature', 'alias'],
    ['WCC', 'wbc', 'alias'],
    ['white_blood_cell_count', 'wbc', 'alias'],
    ['bun', 'urea', 'alias'],
    ['TG', 'triglycerides', 'alias'],
    ['Ca', 'calcium', 'alias'],
    ['blood glucose', 'glucose', 'alias'],
    ['SGPT', 'alt', 'alias'],
    ['Triglycerides', 'triglycerides', 'case'],
    ['heart_rate', 'heartRate', 'case'],
  ])('%s → %s (%s)', (name, meant, kind) => {
    expect(nearMiss(name)).toEqual({ names: [meant], kind });
  });
});

describe('nearMiss: genuine extra fields are not refused', () => {
  it.each([
    // Other measurements within a letter of a catalogue name.
    'alp',
    'ldl',
    'hb',
    'pt',
    'sao2',
    'spo2',
    'pco2',
    // What hospitals' exports carry beside the catalogue.
    'lactate',
    'ggt',
    'inr',
    'ferritin',
    'hemoglobin',
    'magnesium',
    'ionisedCalcium',
    'correctedCalcium',
    'baseExcess',
    'neutrophils',
    'site',
    'ward',
    'sofa',
    'bisap',
    'smoker',
    // Catalogue names themselves.
    'heartRate',
    'triglycerides',
    'alt',
  ])('%s', (name) => {
    expect(nearMiss(name)).toBeUndefined();
  });
});

describe('normaliseClinical with near misses', () => {
  const withAdmission = (admission: Record<string, unknown>) => ({
    ...(VALID_CLINICAL as Record<string, unknown>),
    admission: { ...(VALID_CLINICAL as { admission: object }).admission, ...admission },
  });

  it('refuses a misspelt field and an alias, naming field and suggestion', () => {
    const result = normaliseClinical(withAdmission({ triglicerides: 2.1, hr: 96 }));
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'CLINICAL_INVALID',
        file: 'clinical.json',
        field: 'admission.triglicerides',
        message: expect.stringMatching(/^unknown field; did you mean "triglycerides"\?/) as string,
      }),
      expect.objectContaining({
        field: 'admission.hr',
        message: expect.stringContaining('did you mean "heartRate"?') as string,
      }),
    ]);
  });

  it('keeps a field far from every name, with a warning', () => {
    const result = normaliseClinical(withAdmission({ lactate: 2.1, spo2: 94 }));
    expect(result.ok).toBe(true);
    expect(result.unknownFields).toEqual(['admission.lactate', 'admission.spo2']);
  });
});

describe('validateStudy with a misspelt clinical field', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sap-near-miss-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('rejects the study with CLINICAL_INVALID naming file, field and suggestion', async () => {
    const clinical = VALID_CLINICAL as { admission: Record<string, unknown> };
    const { triglycerides, ...admission } = clinical.admission;
    const files = study(
      { 'image/ct.nii.gz': smallCtNifti() },
      { clinical: json({ ...clinical, admission: { ...admission, triglicerides: triglycerides } }) },
    );
    await writeStudy(root, files);
    const { report } = await validateStudy(folderSource(root));
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'CLINICAL_INVALID',
        file: 'clinical.json',
        field: 'admission.triglicerides',
        message: expect.stringContaining('did you mean "triglycerides"?') as string,
      }),
    ]);
  });
});
