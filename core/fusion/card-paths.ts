import { z } from 'zod';
import { CLINICAL_FIELDS, fieldSpec } from '../ingest/clinical/catalogue';
import { closestNames } from '../ingest/clinical/edit-distance';
import type { FieldSpec } from '../ingest/clinical/field-spec';
import { nearMiss } from '../ingest/clinical/near-miss';
import { inferenceResultSchema } from '../inference/result';
import { DEFAULT_PROFILE } from '../radiomics/profiles';
import { radiomicsTags } from '../radiomics/tags';

/** What a card's feature entry says about its input (the shape `featureSource` in model-card.ts checks). */
export interface FeatureEntry {
  name: string;
  source: 'clinical' | 'radiomics' | 'inference';
  path: string;
  encode?: Record<string, number>;
}

/**
 * The radiomics profile whose tags cards are checked against: the one the pipeline's Radiomics step runs
 * (lambdas/radiomics, `sap features`, the demo cohort). A card names no profile.
 */
export const CARD_RADIOMICS_PROFILE = DEFAULT_PROFILE;

/** `section.field` of every clinical field a model may read: any section but the outcome (the label). */
const CLINICAL_PATHS: ReadonlyMap<string, FieldSpec> = new Map(
  Object.entries(CLINICAL_FIELDS as Record<string, FieldSpec>).flatMap(([name, spec]) =>
    spec.sections
      .filter((section) => section !== 'outcome')
      .map((section) => [`${section}.${name}`, spec] as const),
  ),
);

/**
 * inference.json fields that hold a number or a boolean (`probability`, `maskVolumeMl`, `synthetic`), from
 * its schema; arrays of numbers are read by index (`features.17`). timingsMs is left out: wall time says
 * nothing of the patient.
 */
const INFERENCE_VALUES: readonly string[] = Object.entries(inferenceResultSchema.shape)
  .filter(([, field]) => field instanceof z.ZodNumber || field instanceof z.ZodBoolean)
  .map(([name]) => name);
const INFERENCE_ARRAYS: readonly string[] = Object.entries(inferenceResultSchema.shape)
  .filter(([, field]) => field instanceof z.ZodArray && field.element instanceof z.ZodNumber)
  .map(([name]) => name);

/**
 * Each reason the card's features cannot be read from what the pipeline produces, as a sentence: a path
 * that names nothing (with "did you mean" where a name is close), the outcome used as an input, a word
 * field without a full `encode` map, a name given twice. Empty when every feature can be read.
 */
export function featureProblems(
  features: readonly FeatureEntry[],
  radiomicsProfile = CARD_RADIOMICS_PROFILE,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  features.forEach((feature, n) => {
    const where = `features[${n}] "${feature.name}"`;
    if (seen.has(feature.name)) problems.push(`${where}: the name is given twice`);
    seen.add(feature.name);
    const problem =
      feature.source === 'clinical'
        ? clinicalProblem(feature)
        : feature.source === 'radiomics'
          ? radiomicsProblem(feature.path, radiomicsProfile)
          : inferenceProblem(feature.path);
    if (problem) problems.push(`${where}: ${problem}`);
  });
  return problems;
}

function clinicalProblem({ path, encode }: FeatureEntry): string | undefined {
  const spec = CLINICAL_PATHS.get(path);
  if (!spec) {
    if (path.startsWith('outcome.'))
      return `clinical path "${path}" is the outcome (the label), never a model input`;
    return `clinical path "${path}" names no field of clinical.json${clinicalHint(path)}`;
  }
  if (spec.kind !== 'choice') return undefined;
  const options = spec.options.map((o) => `"${o}"`).join(', ');
  if (!encode)
    return `clinical path "${path}" is one of ${options}: give an encode map with a number for each`;
  const unknown = Object.keys(encode).filter((key) => !spec.options.includes(key));
  if (unknown.length > 0)
    return `encode key(s) ${unknown.map((k) => `"${k}"`).join(', ')} are not values of "${path}" (${options})`;
  const unencoded = spec.options.filter((option) => !(option in encode));
  if (unencoded.length > 0)
    return `encode has no number for ${unencoded.map((o) => `"${o}"`).join(', ')} of "${path}"`;
  return undefined;
}

/** A suggestion for a clinical path: the field in its own section, an alias or a misspelling of one. */
function clinicalHint(path: string): string {
  const [section, field, ...rest] = path.split('.');
  const spec = field !== undefined && rest.length === 0 ? fieldSpec(field) : undefined;
  if (spec) {
    const paths = spec.sections.map((s) => `${s}.${field}`).filter((p) => CLINICAL_PATHS.has(p));
    return ` in ${section}; did you mean ${paths.map((p) => `"${p}"`).join(' or ')}?`;
  }
  const meant = field !== undefined && rest.length === 0 ? nearMiss(field) : undefined;
  const paths = (meant?.names ?? []).map((name) => `${section}.${name}`).filter((p) => CLINICAL_PATHS.has(p));
  if (paths.length > 0) return `; did you mean ${paths.map((p) => `"${p}"`).join(' or ')}?`;
  return didYouMean(path, CLINICAL_PATHS.keys());
}

function radiomicsProblem(path: string, profile: string): string | undefined {
  const tags = radiomicsTags(profile);
  if (tags.has(path)) return undefined;
  return `radiomics path "${path}" is not a tag of the "${profile}" profile the pipeline runs${didYouMean(path, tags)}`;
}

function inferenceProblem(path: string): string | undefined {
  if (INFERENCE_VALUES.includes(path)) return undefined;
  const [array, index, ...rest] = path.split('.');
  if (INFERENCE_ARRAYS.includes(array!) && /^(0|[1-9]\d*)$/.test(index ?? '') && rest.length === 0)
    return undefined;
  const readable = [...INFERENCE_VALUES, ...INFERENCE_ARRAYS.map((name) => `${name}.<index>`)];
  const hint = didYouMean(path, readable);
  return `inference path "${path}" names no number of inference.json${hint || ` (${readable.join(', ')})`}`;
}

const didYouMean = (path: string, candidates: Iterable<string>): string => {
  const names = closestNames(path, candidates, (name) => name.toLowerCase());
  return names.length > 0 ? `; did you mean ${names.map((n) => `"${n}"`).join(' or ')}?` : '';
};
