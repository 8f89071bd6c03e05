import { z } from 'zod';
import { closestNames } from '../ingest/clinical/edit-distance';
import { issuePath } from '../ingest/json-document';
import { featureProblems } from './card-paths';

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
  file: z
    .string()
    .regex(/^[A-Za-z0-9._-]+\.(json|ubj)$/, 'expected a file name beside the card ending in .json or .ubj'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits: the SHA-256 of the model file'),
  features: z.array(featureSource).min(1),
  /** Probability cut-offs of the risk levels: low below `moderate`, high at or above `high`. */
  riskThresholds: z.strictObject({ moderate: z.number().gt(0).lt(1), high: z.number().gt(0).lt(1) }),
  /** Trained on synthetic data: every result says "synthetic demo model, not for clinical use". */
  syntheticDemo: z.boolean().default(false),
  /** How it was trained, on what data, its measured quality (as the image models' cards). */
  description: z.string().optional(),
  /** What the model is for and on which population, in words. */
  intendedUse: z.string().optional(),
});

export type ModelCard = z.output<typeof modelCardSchema>;
export type FeatureSource = ModelCard['features'][number];

/** A fusion model card that is not valid JSON of the card's shape or names inputs the pipeline lacks. */
export class ModelCardInvalid extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a usable fusion model card: ${problems.join('; ')}`);
    this.name = 'MODEL_CARD_INVALID';
  }
}

/**
 * The card in `json` (read from `source`, named in the error), checked: its shape, then that every feature
 * path names something the pipeline produces (`featureProblems`). Throws ModelCardInvalid with every
 * problem as `field: what is wrong`. Use this wherever a card is loaded, never the bare schema.
 */
export function readModelCard(json: unknown, source: string): ModelCard {
  const parsed = modelCardSchema.safeParse(json);
  if (!parsed.success) throw new ModelCardInvalid(source, describeIssues(parsed.error, json, cardKeys));
  const problems = featureProblems(parsed.data.features);
  if (problems.length > 0) throw new ModelCardInvalid(source, problems);
  return parsed.data;
}

const featureList = z.array(featureSource).min(1);

/** A card's bare `features` list (features.json, which the training script reads), checked as in a card. */
export function readFeatureList(json: unknown, source: string): FeatureSource[] {
  const parsed = featureList.safeParse(json);
  if (!parsed.success)
    throw new ModelCardInvalid(
      source,
      describeIssues(parsed.error, json, (path) => (path.length > 0 ? featureKeys : [])),
    );
  const problems = featureProblems(parsed.data);
  if (problems.length > 0) throw new ModelCardInvalid(source, problems);
  return parsed.data;
}

const featureKeys = Object.keys(featureSource.shape);
/** The keys allowed at a place in the card: its own at the top, a feature's inside `features`. */
const cardKeys = (path: readonly PropertyKey[]): string[] => {
  if (path.length === 0) return Object.keys(modelCardSchema.shape);
  if (path[0] === 'features') return featureKeys;
  return [];
};

/** Zod issues as `field: message` sentences; an unknown key gets "did you mean" where a known one is close. */
function describeIssues(
  error: z.ZodError,
  json: unknown,
  keysAt: (path: readonly PropertyKey[]) => string[],
): string[] {
  return error.issues.map((issue) => {
    const field = issuePath('', issue.path) || '(the card)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => {
          const meant = closestNames(key, keysAt(issue.path), (name) => name.toLowerCase());
          const hint = meant.length > 0 ? `; did you mean "${meant.join('" or "')}"?` : '';
          return `${issuePath(field === '(the card)' ? '' : field, [key])}: unknown field${hint}`;
        })
        .join('; ');
    }
    if (issue.code === 'invalid_type' && valueAt(json, issue.path) === undefined) return `${field}: required`;
    return `${field}: ${issue.message}`;
  });
}

const valueAt = (json: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    json,
  );

export type RiskLevel = 'low' | 'moderate' | 'high';

export function riskLevel(probability: number, card: ModelCard): RiskLevel {
  if (probability >= card.riskThresholds.high) return 'high';
  if (probability >= card.riskThresholds.moderate) return 'moderate';
  return 'low';
}
