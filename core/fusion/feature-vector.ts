import { whyMissing, type MissingInput } from './missing-inputs';
import type { FeatureSource, ModelCard } from './model-card';

/** What a study offers the fusion model: the normalised clinical record, radiomics and inference outputs. */
export interface StudyOutputs {
  clinical: unknown;
  radiomics: Record<string, number>;
  inference: unknown;
  /** radiomics.json's `undefinedFeatures`, where known: says why such an input is missing. */
  undefinedRadiomics?: readonly string[];
}

export interface FeatureVector {
  names: string[];
  /** NaN where the study lacks the value: XGBoost then follows each split's default direction. */
  values: Float64Array;
  /** Model inputs the study did not have, passed as missing. */
  missing: string[];
  /** The same inputs with where the card reads each and why it is not there. */
  missingInputs: MissingInput[];
}

export class UnmappableFeatures extends Error {
  constructor(readonly problems: string[]) {
    super(`the model card maps features to values that cannot be read: ${problems.join('; ')}`);
    this.name = 'MODEL_FEATURES_UNMAPPABLE';
  }
}

/**
 * The model's input vector for one study, in the card's order. A value that is absent is missing; a value
 * of the wrong kind (an object, an unmapped category) is a mapping error, refused with every such name.
 */
export function assembleFeatures(card: ModelCard, outputs: StudyOutputs): FeatureVector {
  const values = new Float64Array(card.features.length);
  const missingInputs: MissingInput[] = [];
  const problems: string[] = [];
  card.features.forEach((feature, n) => {
    const raw = featureValue(feature, outputs);
    const value = toNumber(feature, raw);
    if (typeof value === 'string') problems.push(value);
    else if (value === undefined) missingInputs.push(whyMissing(feature, raw, outputs));
    values[n] = typeof value === 'number' ? value : Number.NaN;
  });
  if (problems.length > 0) throw new UnmappableFeatures(problems);
  const missing = missingInputs.map((m) => m.feature);
  return { names: card.features.map((f) => f.name), values, missing, missingInputs };
}

/** A card input's value as the study's outputs hold it (a word stays a word), or undefined. */
export function featureValue(feature: FeatureSource, outputs: StudyOutputs): unknown {
  if (feature.source === 'radiomics') return outputs.radiomics[feature.path];
  const root = feature.source === 'clinical' ? outputs.clinical : outputs.inference;
  return feature.path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      root,
    );
}

/** The value as a number, undefined when absent, or a string saying why it cannot be one. */
function toNumber(feature: FeatureSource, raw: unknown): number | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string' && feature.encode) {
    const code = feature.encode[raw];
    return (
      code ?? `${feature.name}: "${raw}" has no code in encode (${Object.keys(feature.encode).join(', ')})`
    );
  }
  return `${feature.name}: ${feature.source} ${feature.path} is ${typeof raw === 'string' ? `the word "${raw}" (add an encode map)` : 'not a number'}`;
}
