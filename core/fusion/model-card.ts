import { z } from 'zod';

/**
 * The card beside a fusion model in `models/xgboost/{version}/model-card.json`: which file, its checksum,
 * and how each model input is taken from what the pipeline produces. Hospitals that train their own model
 * write one; `sap features` prints the vector it describes, so training tables match production.
 */
const featureSource = z.strictObject({
  /** The model's feature name, exactly as in the model file. */
  name: z.string().min(1),
  /**
   * Where the value comes from: `clinical` (a field of the normalised clinical.json, e.g.
   * `admission.triglycerides`), `radiomics` (an IBSI tag of radiomics.json, e.g. `cm_joint_max_3D_avg`),
   * `inference` (a field of inference.json, e.g. `probability`).
   */
  source: z.enum(['clinical', 'radiomics', 'inference']),
  path: z.string().min(1),
  /** Category → number, for fields that are words (e.g. sex: {"F": 0, "M": 1}); booleans are 1/0. */
  encode: z.record(z.string(), z.number()).optional(),
  /** Plain words for explanations ("Pleural effusion"); default: the name. */
  label: z.string().optional(),
  unit: z.string().optional(),
});

export const modelCardSchema = z.strictObject({
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  version: z.string().min(1),
  /** The model file beside the card, as saved by XGBoost's save_model (JSON or UBJSON). */
  file: z.string().regex(/^[A-Za-z0-9._-]+\.(json|ubj)$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  features: z.array(featureSource).min(1),
  /** Probability cut-offs of the risk levels: low below `moderate`, high at or above `high`. */
  riskThresholds: z.strictObject({ moderate: z.number().gt(0).lt(1), high: z.number().gt(0).lt(1) }),
  /** Trained on synthetic data: every result says "synthetic demo model, not for clinical use". */
  syntheticDemo: z.boolean().default(false),
});

export type ModelCard = z.output<typeof modelCardSchema>;
export type FeatureSource = ModelCard['features'][number];

export type RiskLevel = 'low' | 'moderate' | 'high';

export function riskLevel(probability: number, card: ModelCard): RiskLevel {
  if (probability >= card.riskThresholds.high) return 'high';
  if (probability >= card.riskThresholds.moderate) return 'moderate';
  return 'low';
}
