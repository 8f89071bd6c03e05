import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleFeatures, type StudyOutputs } from '../../core/fusion/feature-vector';
import { fuse, SYNTHETIC_LABEL } from '../../core/fusion/fuse';
import { loadFusionModel } from '../../core/fusion/load-model';
import { loadModels, type LoadedModels } from '../../core/inference/models';
import { runInference } from '../../core/inference/pipeline';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom, type PhantomVariant } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { DEFAULT_PROFILE, profileSettings } from '../../core/radiomics/profiles';
import { predictMargin } from '../../core/xgboost';
import { parseXml } from '../charts/xml';

const demo = (file: string) => readFileSync(new URL(`../../models/demo/${file}`, import.meta.url));
const cardJson = JSON.parse(demo('model-card.json').toString('utf8')) as Record<string, unknown>;
const { card, model } = loadFusionModel(cardJson, demo('model.ubj'));

/**
 * What the pipeline hands Fuse for a phantom: its clinical record, the demo U-Net's mask and ResNet50's
 * probability, and radiomics in that mask. The grid (2 × 2 × 5 mm, just over one U-Net window) keeps each
 * study to a few seconds on a CPU.
 */
async function studyOutputs(
  models: LoadedModels,
  seed: number,
  variant: readonly PhantomVariant[],
): Promise<StudyOutputs> {
  const phantom = generatePhantom({ dims: [128, 128, 32], spacing: [2, 2, 5], seed, variant });
  const clinical = normaliseClinical(phantom.clinical);
  if (!clinical.ok) throw new Error('phantom clinical record must normalise');
  const { volume } = phantom;
  const { mask, result } = await runInference(volume, models);
  const unetMask = { dims: volume.dims, affine: volume.affine, data: mask };
  const radiomics = extractRadiomics(volume, unetMask, profileSettings(DEFAULT_PROFILE)).features;
  return { clinical: clinical.clinical, radiomics, inference: result };
}

describe('fuse with the demo fusion model', () => {
  let severeOutputs: StudyOutputs;
  let normalOutputs: StudyOutputs;
  let severe: ReturnType<typeof fuse>;
  let mild: ReturnType<typeof fuse>;
  beforeAll(async () => {
    const models = await loadModels(fileURLToPath(new URL('../../models/demo', import.meta.url)), {
      device: 'cpu',
    });
    severeOutputs = await studyOutputs(models, 5001, [
      'necrotising',
      'peripancreatic-fluid',
      'pleural-effusion',
    ]);
    normalOutputs = await studyOutputs(models, 5002, ['normal']);
    severe = fuse(model, card, severeOutputs);
    mild = fuse(model, card, normalOutputs);
  }, 60_000);

  it('separates a severe phantom from a normal one, with risk levels from the card', () => {
    expect(severe.result.probability).toBeGreaterThan(0.6);
    expect(severe.result.riskLevel).toBe('high');
    expect(mild.result.probability).toBeLessThan(0.3);
    expect(mild.result.riskLevel).toBe('low');
  });

  it('weighs the ResNet50’s probability, one of the paper’s key predictors, among the top factors', () => {
    const deepLearning = (scored: typeof severe) =>
      scored.result.topFactors.find((f) => f.feature === 'dl_probability');
    expect(deepLearning(severe)?.shap).toBeGreaterThan(0);
    expect(deepLearning(mild)?.shap).toBeLessThan(0);
  });

  it('explains the margin exactly: contributions and base value add up to it', () => {
    const [margin] = predictMargin(model, assembleFeatures(card, severeOutputs).values);
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
    expect(severe.result.missingInputs).toEqual([]);
  });

  it('marks the result synthetic when any of the three models is, naming which', () => {
    const site = { ...card, syntheticDemo: false };
    const realImages = { ...(severeOutputs.inference as object), synthetic: false };
    delete (realImages as { syntheticModels?: unknown }).syntheticModels;
    const marks = (scored: ReturnType<typeof fuse>) => {
      const { synthetic, syntheticModels, notice, label } = scored.result;
      return { synthetic, syntheticModels, notice, label };
    };
    // The demo everything: the demo card and the demo U-Net and ResNet50.
    expect(marks(severe)).toEqual({
      synthetic: true,
      syntheticModels: ['unet', 'resnet', 'xgboost'],
      notice:
        'Synthetic demo models, not for clinical use: U-Net sap-demo-unet demo-1, ResNet50 sap-demo-resnet50 demo-1, fusion model sap-fusion-demo demo-1.',
      label: SYNTHETIC_LABEL,
    });
    // A site fusion model (syntheticDemo false) scored with the demo image models.
    expect(marks(fuse(model, site, severeOutputs))).toEqual({
      synthetic: true,
      syntheticModels: ['unet', 'resnet'],
      notice:
        'Synthetic demo models, not for clinical use: U-Net sap-demo-unet demo-1, ResNet50 sap-demo-resnet50 demo-1.',
      label: undefined,
    });
    // The reverse: the demo fusion model on real image models.
    expect(marks(fuse(model, card, { ...severeOutputs, inference: realImages }))).toEqual({
      synthetic: true,
      syntheticModels: ['xgboost'],
      notice: 'Synthetic demo model, not for clinical use: fusion model sap-fusion-demo demo-1.',
      label: SYNTHETIC_LABEL,
    });
    const real = fuse(model, site, { ...severeOutputs, inference: realImages });
    expect(marks(real)).toEqual({
      synthetic: false,
      syntheticModels: undefined,
      notice: undefined,
      label: undefined,
    });
    expect(real.explanationSvg).not.toMatch(/synthetic/i);
    // An inference.json written before it named its synthetic models: said, not guessed.
    const older = { ...realImages, synthetic: true };
    expect(marks(fuse(model, site, { ...severeOutputs, inference: older }))).toMatchObject({
      synthetic: true,
      syntheticModels: [],
      notice:
        'Synthetic demo models, not for clinical use: the U-Net or the ResNet50 (inference.json does not say which).',
    });
  });

  it('draws the explanation as a well-formed SVG that names the probability and the synthetic models', () => {
    expect(parseXml(severe.explanationSvg).name).toBe('svg');
    expect(severe.explanationSvg).toContain('Probability of severe acute pancreatitis');
    // The chart is also a file of its own: its footnote (wrapped over lines) carries the notice.
    const footnote = [...severe.explanationSvg.matchAll(/class="footnote">([^<]*)</g)]
      .map((m) => m[1])
      .join(' ');
    expect(footnote).toBe(`Model sap-fusion-demo demo-1. ${severe.result.notice}`);
  });

  it('refuses a model file that is not the card’s, and a card that does not describe the model', () => {
    const damaged = Buffer.from(demo('model.ubj'));
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
    expect(() => loadFusionModel(cardJson, damaged)).toThrow(
      expect.objectContaining({ name: 'MODEL_CHECKSUM_MISMATCH' }),
    );
    const reordered = { ...card, features: [...card.features].reverse() };
    expect(() => fuse(model, reordered, normalOutputs)).toThrow(
      expect.objectContaining({ name: 'MODEL_CARD_MISMATCH' }),
    );
  });
});
