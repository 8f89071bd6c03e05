import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { featureProblems } from '../../core/fusion/card-paths';
import { loadFusionModel } from '../../core/fusion/load-model';
import {
  ModelCardInvalid,
  readFeatureList,
  readModelCard,
  type FeatureSource,
} from '../../core/fusion/model-card';
import { generatePhantom } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { radiomicsTags } from '../../core/radiomics/tags';

const demoCardJson = JSON.parse(
  readFileSync(new URL('../../models/demo/model-card.json', import.meta.url), 'utf8'),
) as { features: FeatureSource[] } & Record<string, unknown>;
const withFeatures = (...features: object[]) => ({ ...demoCardJson, features });
const refusal = (run: () => unknown): ModelCardInvalid => {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelCardInvalid) return error;
    throw error;
  }
  return expect.unreachable('the card was accepted');
};

describe('readModelCard', () => {
  it('accepts the demo card, and description and intendedUse as the image cards do', () => {
    expect(readModelCard(demoCardJson, 'models/demo/model-card.json').features).toHaveLength(16);
    const described = readModelCard(
      { ...demoCardJson, description: 'XGBoost on 412 patients', intendedUse: 'adults with AP, CT ≤ 72 h' },
      'card.json',
    );
    expect(described).toMatchObject({ description: 'XGBoost on 412 patients' });
  });

  it.each([
    [
      { name: 'tg', source: 'clinical', path: 'admission.triglyceride' },
      'features[0] "tg": clinical path "admission.triglyceride" names no field of clinical.json; did you mean "admission.triglycerides"?',
    ],
    [{ name: 'hr', source: 'clinical', path: 'admission.hr' }, 'did you mean "admission.heartRate"?'],
    [
      { name: 'pct48', source: 'clinical', path: 'h48.pct' },
      'clinical path "h48.pct" names no field of clinical.json in h48; did you mean "admission.pct"?',
    ],
    [
      { name: 'label', source: 'clinical', path: 'outcome.atlantaSeverity', encode: { severe: 1 } },
      'is the outcome (the label), never a model input',
    ],
    [
      { name: 'mean', source: 'radiomics', path: 'stat_meen' },
      'radiomics path "stat_meen" is not a tag of the "pancreas" profile the pipeline runs; did you mean "stat_mean"?',
    ],
    [
      { name: 'py', source: 'radiomics', path: 'original_firstorder_Mean' },
      'radiomics path "original_firstorder_Mean" is not a tag of the "pancreas" profile',
    ],
    [
      { name: 'dl', source: 'inference', path: 'probabilty' },
      'inference path "probabilty" names no number of inference.json; did you mean "probability"?',
    ],
    [
      { name: 'provider', source: 'inference', path: 'executionProvider' },
      'names no number of inference.json (probability, maskVoxels, maskVolumeMl, synthetic, features.<index>)',
    ],
    [
      { name: 'sex', source: 'clinical', path: 'admission.sex' },
      'clinical path "admission.sex" is one of "M", "F": give an encode map with a number for each',
    ],
    [
      { name: 'sex', source: 'clinical', path: 'admission.sex', encode: { male: 1, F: 0 } },
      'encode key(s) "male" are not values of "admission.sex" ("M", "F")',
    ],
  ])('refuses %j, naming it', (feature, problem) => {
    const error = refusal(() => readModelCard(withFeatures(feature), 'site/model-card.json'));
    expect(error.name).toBe('MODEL_CARD_INVALID');
    expect(error.message).toMatch(/^site\/model-card\.json is not a usable fusion model card: features\[0\]/);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(problem);
  });

  it('reads inference numbers, booleans and deep features by index', () => {
    const features = ['probability', 'maskVolumeMl', 'synthetic', 'features.0', 'features.2047'].map(
      (path, n) => ({ name: `f${n}`, source: 'inference' as const, path }),
    );
    expect(featureProblems(features)).toEqual([]);
    expect(featureProblems([{ name: 'x', source: 'inference', path: 'features.01' }])).toHaveLength(1);
  });

  it('lists every problem at once, and a feature named twice', () => {
    const error = refusal(() =>
      readModelCard(
        withFeatures(
          { name: 'a', source: 'radiomics', path: 'stat_meen' },
          { name: 'a', source: 'inference', path: 'probability' },
        ),
        'card.json',
      ),
    );
    expect(error.problems).toEqual([
      expect.stringContaining('"stat_meen"'),
      'features[1] "a": the name is given twice',
    ]);
  });

  it('words schema problems as field: message sentences, not a zod dump', () => {
    const noChecksum: Record<string, unknown> = { ...demoCardJson };
    delete noChecksum.sha256;
    const error = refusal(() =>
      readModelCard({ ...noChecksum, file: 'model.pkl', intendeduse: 'x' }, 'card.json'),
    );
    expect(error.problems).toEqual([
      'file: expected a file name beside the card ending in .json or .ubj',
      'sha256: required',
      'intendeduse: unknown field; did you mean "intendedUse"?',
    ]);
    expect(error.message).not.toContain('"code"');
  });

  it('is what loadFusionModel reads the card with', () => {
    const model = readFileSync(new URL('../../models/demo/model.ubj', import.meta.url));
    expect(() =>
      loadFusionModel(withFeatures({ name: 'dl', source: 'inference', path: 'probabilty' }), model, 'x.json'),
    ).toThrow(/^x\.json is not a usable fusion model card/);
  });
});

describe('readFeatureList', () => {
  it('checks a bare features list as in a card', () => {
    expect(readFeatureList(demoCardJson.features, 'features.json')).toHaveLength(16);
    const error = refusal(() =>
      readFeatureList(
        [{ name: 'tg', source: 'clinical', path: 'admission.triglyceride', lable: 'x' }],
        'f.json',
      ),
    );
    expect(error.problems).toEqual(['[0].lable: unknown field; did you mean "label"?']);
  });
});

describe('radiomicsTags', () => {
  it('are the tags a real extraction gives under the profile', () => {
    const phantom = generatePhantom({ dims: [64, 64, 32], seed: 3 });
    const result = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
    const extracted = [...Object.keys(result.features), ...result.undefinedFeatures].sort();
    expect([...radiomicsTags('pancreas')].sort()).toEqual(extracted);
    expect(radiomicsTags('pyradiomics').has('original_firstorder_Mean')).toBe(true);
  });
});
