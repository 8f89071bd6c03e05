import { featureValue, type StudyOutputs } from '../fusion/feature-vector';
import type { MissingInput } from '../fusion/missing-inputs';
import type { FeatureSource } from '../fusion/model-card';
import { SECTIONS } from '../ingest/clinical';
import type { ClassicScores } from '../scores/types';

/** One value the assessment rests on: a model input or a clinical value a classic score was computed from. */
export interface BasisInput {
  source: FeatureSource['source'];
  /** clinical.json JSON path, radiomics (IBSI) tag or inference.json field. */
  path: string;
  /** Plain words, where the model card gives them. */
  label?: string;
  unit?: string;
  /** Undefined where the study lacks it. */
  value: number | string | boolean | undefined;
  /** Why it is missing (the result's missingInputs), where it is. */
  missingReason?: string;
  /** Keys of the classic scores that used it. */
  usedBy: (keyof ClassicScores)[];
}

/**
 * Every model input of the card (missing ones with the reason), then every clinical value a classic score
 * was computed from that the model does not also take in the same unit. Score inputs that are counts of
 * other items (e.g. BISAP's "SIRS criteria met") are not clinical fields and are left out.
 */
export function basisInputs(
  features: readonly FeatureSource[],
  outputs: StudyOutputs,
  missingInputs: readonly MissingInput[],
  scores: ClassicScores,
): BasisInput[] {
  const inputs = new Map<string, BasisInput>();
  for (const feature of features) {
    const value = usableValue(featureValue(feature, outputs));
    const missing = missingInputs.find((m) => m.feature === feature.name);
    inputs.set(keyOf(feature.source, feature.path, feature.unit), {
      source: feature.source,
      path: feature.path,
      // An encoded feature's label names the code ("Male sex"), not the word written beside it ("F").
      label: feature.encode ? undefined : feature.label,
      unit: feature.unit,
      value,
      ...(value === undefined && missing ? { missingReason: missing.reason } : {}),
      usedBy: [],
    });
  }
  for (const [score, result] of Object.entries(scores) as [
    keyof ClassicScores,
    ClassicScores[keyof ClassicScores],
  ][]) {
    for (const item of result?.items ?? []) {
      const input = item.input;
      if (!input || !isClinicalPath(input.field)) continue;
      const key = keyOf('clinical', input.field, input.unit);
      const known = inputs.get(key) ?? {
        source: 'clinical' as const,
        path: input.field,
        unit: input.unit || undefined,
        value: input.value,
        usedBy: [],
      };
      if (!known.usedBy.includes(score)) known.usedBy.push(score);
      inputs.set(key, known);
    }
  }
  return [...inputs.values()];
}

const isClinicalPath = (field: string): boolean =>
  (SECTIONS as readonly string[]).includes(field.split('.')[0] ?? '') && field.includes('.');

const keyOf = (source: string, path: string, unit: string | undefined) => `${source}:${path}|${unit ?? ''}`;

function usableValue(raw: unknown): number | string | boolean | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  return typeof raw === 'string' || typeof raw === 'boolean' ? raw : undefined;
}
