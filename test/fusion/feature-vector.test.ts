import { describe, expect, it } from 'vitest';
import { assembleFeatures, UnmappableFeatures } from '../../core/fusion/feature-vector';
import { modelCardSchema, riskLevel } from '../../core/fusion/model-card';
import { normaliseClinical } from '../../core/ingest/clinical';
import { VALID_CLINICAL } from '../bad-inputs/study-builder';

const card = modelCardSchema.parse({
  schemaVersion: 1,
  name: 'test',
  version: '1',
  file: 'model.ubj',
  sha256: 'a'.repeat(64),
  riskThresholds: { moderate: 0.3, high: 0.6 },
  features: [
    {
      name: 'pleural_effusion',
      source: 'clinical',
      path: 'admission.pleuralEffusion',
      label: 'Pleural effusion',
    },
    { name: 'triglycerides', source: 'clinical', path: 'admission.triglycerides', unit: 'mmol/L' },
    { name: 'sex', source: 'clinical', path: 'admission.sex', encode: { F: 0, M: 1 } },
    { name: 'dl_probability', source: 'inference', path: 'probability' },
    { name: 'glcm_contrast', source: 'radiomics', path: 'cm_contrast_3D_avg' },
    { name: 'procalcitonin_48h', source: 'clinical', path: 'h48.pct' },
  ],
});
const normalised = normaliseClinical(VALID_CLINICAL);
if (!normalised.ok) throw new Error('the valid clinical fixture must normalise');
const outputs = {
  clinical: normalised.clinical,
  radiomics: { cm_contrast_3D_avg: 12.5 },
  inference: { probability: 0.81 },
};

describe('assembleFeatures', () => {
  it('takes each model input from its source, in the card order, with booleans and categories as numbers', () => {
    const vector = assembleFeatures(card, outputs);
    expect(vector.names).toEqual(card.features.map((f) => f.name));
    expect(Array.from(vector.values.subarray(0, 5))).toEqual([1, 23.4, 0, 0.81, 12.5]);
  });

  it('passes what the study lacks as missing (NaN) and lists it', () => {
    const vector = assembleFeatures(card, { ...outputs, radiomics: {} });
    expect(vector.missing).toEqual(['glcm_contrast', 'procalcitonin_48h']);
    expect(Number.isNaN(vector.values[4])).toBe(true);
  });

  it('says for each missing input where the card reads it and why the study lacks it', () => {
    // As normalisation keeps them: fields it does not know go to `extra`, by JSON path.
    const admission = { ...outputs.clinical.admission };
    delete admission.triglycerides;
    const clinical = {
      ...outputs.clinical,
      admission,
      extra: { 'admission.serumTrigs': 23.4, 'h48.note': 'x' },
    };
    const vector = assembleFeatures(card, {
      clinical,
      radiomics: {},
      undefinedRadiomics: ['cm_contrast_3D_avg'],
      inference: {},
    });
    expect(vector.missing).toEqual(vector.missingInputs.map((m) => m.feature));
    expect(vector.missingInputs).toEqual([
      {
        feature: 'triglycerides',
        source: 'clinical',
        path: 'admission.triglycerides',
        reason:
          'not provided in clinical.json; clinical.json has `admission.serumTrigs`, not a field this service reads',
      },
      {
        feature: 'dl_probability',
        source: 'inference',
        path: 'probability',
        reason: 'inference.json has no probability',
      },
      {
        feature: 'glcm_contrast',
        source: 'radiomics',
        path: 'cm_contrast_3D_avg',
        reason: expect.stringMatching(/^radiomics could not compute it for this region \(undefined, NaN/),
      },
      {
        feature: 'procalcitonin_48h',
        source: 'clinical',
        path: 'h48.pct',
        // Only the unknown fields of the same section are named.
        reason: 'not provided in clinical.json; clinical.json has `h48.note`, not a field this service reads',
      },
    ]);
  });

  it('tells a radiomics tag the profile does not compute from one it could not compute here', () => {
    const typo = modelCardSchema.parse({
      ...card,
      features: [{ name: 'mean', source: 'radiomics', path: 'stat_meen' }],
    });
    const [missing] = assembleFeatures(typo, { ...outputs, undefinedRadiomics: [] }).missingInputs;
    expect(missing?.reason).toBe('radiomics.json has no stat_meen: not a feature its profile computes');
  });

  it('refuses a card whose values cannot be numbers, naming every such feature', () => {
    const bad = modelCardSchema.parse({
      ...card,
      features: [
        { name: 'etiology', source: 'clinical', path: 'admission.etiology' },
        { name: 'sex', source: 'clinical', path: 'admission.sex', encode: { male: 1 } },
        { name: 'admission', source: 'clinical', path: 'admission' },
      ],
    });
    try {
      assembleFeatures(bad, outputs);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnmappableFeatures);
      const problems = (error as UnmappableFeatures).problems;
      expect(problems).toHaveLength(3);
      expect(problems[0]).toContain('etiology');
      expect(problems[1]).toContain('"F" has no code');
      expect(problems[2]).toContain('not a number');
    }
  });

  it('grades risk by the card thresholds, the upper bound inclusive', () => {
    expect([0.1, 0.3, 0.59, 0.6, 0.95].map((p) => riskLevel(p, card))).toEqual([
      'low',
      'moderate',
      'moderate',
      'high',
      'high',
    ]);
  });
});
