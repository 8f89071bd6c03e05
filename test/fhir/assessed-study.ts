import { readFileSync } from 'node:fs';
import type { AssessedStudy } from '../../core/fhir';
import type { StudyOutputs } from '../../core/fusion/feature-vector';
import { fuse } from '../../core/fusion/fuse';
import { loadFusionModel } from '../../core/fusion/load-model';
import { normaliseClinical } from '../../core/ingest/clinical';
import { classicScores } from '../../core/scores';

const demo = (file: string) => readFileSync(new URL(`../../models/demo/${file}`, import.meta.url));
export const demoFusion = loadFusionModel(
  JSON.parse(demo('model-card.json').toString('utf8')) as Record<string, unknown>,
  demo('model.ubj'),
);

/** An admission with every input SIRS and MCTSI need, and too few for BISAP, Ranson or APACHE II. */
export const ADMISSION = {
  schemaVersion: 1,
  admission: {
    age: 54,
    sex: 'F',
    heartRate: 112,
    respiratoryRate: 24,
    temperature: 38.4,
    pleuralEffusion: true,
    wbc: 14.2,
    crp: { value: 96, unit: 'mg/L' },
    triglycerides: { value: 23.4, unit: 'mmol/L' },
    calcium: 2.05,
    urea: { value: 6.8, unit: 'mmol/L' },
    creatinine: { value: 1.4, unit: 'mg/dL' },
  },
  ct: { balthazarGrade: 'D', necrosis: 'up-to-30' },
};

export const RADIOMICS = {
  morph_volume: 81234.5,
  morph_sphericity: 0.41,
  stat_mean: 31.2,
  stat_p10: -4,
  ih_entropy: 3.9,
  cm_contrast_3D_avg: 12.7,
};

export const MODELS = {
  unet: { name: 'sap-demo-unet', version: 'demo-1', sha256: 'a1'.repeat(32) },
  resnet: { name: 'sap-demo-resnet50', version: 'demo-1', sha256: 'b2'.repeat(32) },
};

/**
 * A study scored as the Fuse step scores it: the demo fusion model on `admission`, the classic scores of
 * the same record, and the image models' names as inference.json gives them.
 */
export function assessedStudy(
  admission: Record<string, unknown> = ADMISSION,
  inference: Record<string, unknown> = { probability: 0.62, models: MODELS },
): AssessedStudy {
  const normalised = normaliseClinical(admission);
  if (!normalised.ok) throw new Error(`fixture must normalise: ${JSON.stringify(normalised.issues)}`);
  const outputs: StudyOutputs = { clinical: normalised.clinical, radiomics: RADIOMICS, inference };
  const { result } = fuse(demoFusion.model, demoFusion.card, outputs);
  const scores = classicScores(normalised.clinical);
  const imageModels = (inference.models ?? {}) as Partial<typeof MODELS>;
  return {
    studyId: 'study-0042',
    assessedAt: '2026-12-06T20:00:00.000Z',
    result: { ...result, scores, models: { ...imageModels, xgboost: result.model } },
    features: demoFusion.card.features,
    outputs,
  };
}
