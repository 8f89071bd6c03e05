import type { FeatureSource } from './model-card';

/** A model input the study did not have, where the card reads it from, and why it is not there. */
export interface MissingInput {
  feature: string;
  source: FeatureSource['source'];
  path: string;
  reason: string;
}

/** What the reasons are decided from: the same documents the vector is read from. */
export interface MissingInputEvidence {
  clinical: unknown;
  inference: unknown;
  /** radiomics.json's `undefinedFeatures`: tags the extraction could not compute for this region. */
  undefinedRadiomics?: readonly string[];
}

/** Unknown fields named in one reason; more are counted, not listed. */
const NAMED_EXTRAS = 5;

/**
 * Why `feature` is missing, from what the pipeline knows. `raw` is what its path held: absent, null, or a
 * number that is not finite. Names only, never values: an unknown clinical field is named by its path.
 */
export function whyMissing(
  feature: FeatureSource,
  raw: unknown,
  evidence: MissingInputEvidence,
): MissingInput {
  const where = { feature: feature.name, source: feature.source, path: feature.path };
  const notFinite = typeof raw === 'number';
  switch (feature.source) {
    case 'clinical':
      return {
        ...where,
        reason: notFinite
          ? `clinical.json's ${feature.path} is not a finite number`
          : `not provided in clinical.json${unknownFieldsNear(feature.path, evidence.clinical)}`,
      };
    case 'radiomics':
      if (evidence.undefinedRadiomics?.includes(feature.path))
        return {
          ...where,
          reason:
            'radiomics could not compute it for this region (undefined, NaN: e.g. a texture of a region with one grey level)',
        };
      return {
        ...where,
        reason: notFinite
          ? `radiomics.json's ${feature.path} is not a finite number (NaN)`
          : `radiomics.json has no ${feature.path}: not a feature its profile computes`,
      };
    case 'inference':
      return {
        ...where,
        reason: notFinite
          ? `inference.json's ${feature.path} is not a finite number`
          : `inference.json has no ${feature.path}`,
      };
  }
}

/**
 * The fields clinical.json sent that this service does not read (`clinical.extra`), in the section of `path`
 * or at the top level: the likely misspelling of the missing field (`admission.tg` for triglycerides).
 */
function unknownFieldsNear(path: string, clinical: unknown): string {
  const extra = (clinical as { extra?: unknown } | null | undefined)?.extra;
  if (!extra || typeof extra !== 'object') return '';
  const section = path.split('.')[0]!;
  const near = Object.keys(extra).filter((key) => !key.includes('.') || key.startsWith(`${section}.`));
  if (near.length === 0) return '';
  const named = near.slice(0, NAMED_EXTRAS).map((key) => `\`${key}\``);
  const list =
    near.length > NAMED_EXTRAS
      ? `${named.join(', ')} and ${near.length - NAMED_EXTRAS} more`
      : named.length > 1
        ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`
        : named[0];
  return `; clinical.json has ${list}, ${near.length > 1 ? 'not fields' : 'not a field'} this service reads`;
}
