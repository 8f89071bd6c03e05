import { readFileSync } from 'node:fs';
import { fuse } from '../../core/fusion/fuse';
import { loadFusionModel } from '../../core/fusion/load-model';
import type { Vec3 } from '../../core/imaging/volume';
import type { InferenceResult } from '../../core/inference/result';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom, type Phantom } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import type { StudyReportInput } from '../../core/report';
import { classicScores } from '../../core/scores';

/** The demo fusion model, as the Fuse step loads it. */
export const demoModelFile = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../../models/demo/${file}`, import.meta.url)));

export function demoModel() {
  const cardJson: unknown = JSON.parse(new TextDecoder().decode(demoModelFile('model-card.json')));
  return loadFusionModel(cardJson, demoModelFile('model.ubj'));
}

/** inference.json of a synthetic demo model, as the Infer step writes it. */
export function syntheticInference(phantom: Phantom): InferenceResult {
  return {
    schemaVersion: 1,
    probability: 0.81,
    features: [0.1, 0.2],
    maskVoxels: phantom.mask.data.reduce((n, v) => n + v, 0),
    maskVolumeMl: phantom.description.pancreasVolumeMl,
    models: {
      unet: { name: 'unet-demo', version: 'demo-1', sha256: 'a'.repeat(64) },
      resnet: { name: 'resnet50-demo', version: 'demo-1', sha256: 'b'.repeat(64) },
    },
    synthetic: true,
    syntheticModels: ['unet', 'resnet'],
    notice: 'Synthetic demo models: not for clinical use',
    executionProvider: 'cpu',
    timingsMs: { total: 1000 },
  };
}

/** A severe phantom scored end to end by the core functions the Fuse step calls: the report's input. */
export function phantomReportInput(dims: Vec3 = [96, 96, 64]): { phantom: Phantom; input: StudyReportInput } {
  const phantom = generatePhantom({ dims, seed: 77, variant: ['necrotising', 'pleural-effusion'] });
  const normalised = normaliseClinical(phantom.clinical);
  if (!normalised.ok) throw new Error('the phantom clinical record must normalise');
  const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
  const inference = syntheticInference(phantom);
  const { card, model } = demoModel();
  const { result, explanationSvg } = fuse(model, card, {
    clinical: normalised.clinical,
    radiomics: radiomics.features,
    inference,
  });
  return {
    phantom,
    input: {
      studyId: 'phantom-77',
      status: 'COMPLETED',
      generatedAt: '2025-03-01T12:00:00.000Z',
      volume: phantom.volume,
      mask: phantom.mask.data,
      fusion: result,
      explanationSvg,
      clinical: normalised.clinical,
      scores: classicScores(normalised.clinical),
      inference,
    },
  };
}
