import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleFeatures } from '../../core/fusion/feature-vector';
import { fuse, SYNTHETIC_LABEL } from '../../core/fusion/fuse';
import { loadFusionModel } from '../../core/fusion/load-model';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { predictMargin } from '../../core/xgboost';
import { parseXml } from '../charts/xml';

const demo = (file: string) => readFileSync(new URL(`../../models/demo/${file}`, import.meta.url));
const cardJson = JSON.parse(demo('model-card.json').toString('utf8')) as Record<string, unknown>;
const { card, model } = loadFusionModel(cardJson, demo('model.ubj'));

function studyOutputs(
  seed: number,
  variant: 'normal' | ['necrotising', 'peripancreatic-fluid', 'pleural-effusion'],
) {
  const phantom = generatePhantom({ dims: [128, 128, 64], seed, variant });
  const clinical = normaliseClinical(phantom.clinical);
  if (!clinical.ok) throw new Error('phantom clinical record must normalise');
  const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas')).features;
  return { clinical: clinical.clinical, radiomics, inference: {} };
}

describe('fuse with the demo fusion model', () => {
  const severe = fuse(
    model,
    card,
    studyOutputs(5001, ['necrotising', 'peripancreatic-fluid', 'pleural-effusion']),
  );
  const mild = fuse(model, card, studyOutputs(5002, 'normal'));

  it('separates a severe phantom from a normal one, with risk levels from the card', () => {
    expect(severe.result.probability).toBeGreaterThan(0.6);
    expect(severe.result.riskLevel).toBe('high');
    expect(mild.result.probability).toBeLessThan(0.3);
    expect(mild.result.riskLevel).toBe('low');
  });

  it('explains the margin exactly: contributions and base value add up to it', () => {
    const outputs = studyOutputs(5001, ['necrotising', 'peripancreatic-fluid', 'pleural-effusion']);
    const [margin] = predictMargin(model, assembleFeatures(card, outputs).values);
    expect(severe.result.margin).toBeCloseTo(margin!, 5);
    expect(severe.result.topFactors).toHaveLength(5);
    const shaps = severe.result.topFactors.map((f) => Math.abs(f.shap));
    expect(shaps).toEqual([...shaps].sort((a, b) => b - a));
    expect(severe.result.topFactors[0]!.text).toMatch(/(raises|lowers) the risk \([+−]\d+\.\d\d log-odds\)$/);
  });

  it('records the model and labels a synthetic model', () => {
    expect(severe.result.model).toEqual({ name: 'sap-fusion-demo', version: 'demo-1', sha256: card.sha256 });
    expect(severe.result.label).toBe(SYNTHETIC_LABEL);
    expect(severe.result.missingFeatures).toEqual([]);
  });

  it('draws the explanation as a well-formed SVG that names the probability and the label', () => {
    expect(parseXml(severe.explanationSvg).name).toBe('svg');
    expect(severe.explanationSvg).toContain('Probability of severe acute pancreatitis');
    expect(severe.explanationSvg).toContain(SYNTHETIC_LABEL);
  });

  it('refuses a model file that is not the card’s, and a card that does not describe the model', () => {
    const damaged = Buffer.from(demo('model.ubj'));
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
    expect(() => loadFusionModel(cardJson, damaged)).toThrow(
      expect.objectContaining({ name: 'MODEL_CHECKSUM_MISMATCH' }),
    );
    const reordered = { ...card, features: [...card.features].reverse() };
    expect(() => fuse(model, reordered, studyOutputs(5002, 'normal'))).toThrow(
      expect.objectContaining({ name: 'MODEL_CARD_MISMATCH' }),
    );
  });
});
