import { z } from 'zod';
import type { ValidationIssue } from '../../input/issues';
import { fieldSpec, isSection, type NormalisedClinical } from './catalogue';
import { checkConsistency, deriveMissing, type DerivedValue } from './consistency';
import type { Section } from './field-spec';
import { identifierPaths, joinPath } from './identifiers';
import { describeJson, fromZodIssues, isPlainObject } from '../json-document';
import { nearMiss, nearMissMessage } from './near-miss';
import { readField, type ClinicalConversion } from './read-field';

interface NormalisationTrail {
  /** Every unit conversion made, in document order. */
  conversions: ClinicalConversion[];
  /** Values computed from others (BMI, MAP) because they were not sent. */
  derived: DerivedValue[];
  /** JSON paths of fields this schema does not know; kept in `clinical.extra`, not an error. */
  unknownFields: string[];
}

export type ClinicalNormalisation =
  | (NormalisationTrail & { ok: true; clinical: NormalisedClinical; issues: [] })
  | (NormalisationTrail & { ok: false; clinical?: undefined; issues: ValidationIssue[] });

const section = z.record(z.string(), z.unknown(), {
  error: (issue) =>
    issue.input === undefined
      ? 'required: an object of fields'
      : `expected an object, got ${describeJson(issue.input)}`,
});

/** The outline of clinical.json; the fields inside each section are read one by one (`readField`). */
const clinicalDocument = z.looseObject({
  schemaVersion: z.literal(1, {
    error: (issue) =>
      issue.input === undefined
        ? 'required: 1'
        : `expected 1 (the version this service reads), got ${describeJson(issue.input)}`,
  }),
  admission: section,
  h48: section.nullish(),
  ct: section.nullish(),
  outcome: section.nullish(),
});

const IDENTIFIER_MESSAGE =
  'patient identifiers must not be uploaded: remove this field (the hospital keeps the link from studyId to patient)';

/**
 * Validates clinical.json (already parsed) and converts it to canonical SI units. Collects every issue rather
 * than stopping at the first. The normalised record is returned only when there are none.
 */
export function normaliseClinical(json: unknown, file = 'clinical.json'): ClinicalNormalisation {
  const trail: NormalisationTrail = { conversions: [], derived: [], unknownFields: [] };
  const issues: ValidationIssue[] = [];
  const invalid = (field: string | undefined, message: string) =>
    issues.push({ code: 'CLINICAL_INVALID', file, field, message });
  if (!isPlainObject(json)) {
    invalid(
      undefined,
      `expected a JSON object {"schemaVersion": 1, "admission": {...}}, got ${describeJson(json)}`,
    );
    return { ok: false, ...trail, issues };
  }
  const identifiers = new Set(identifierPaths(json));
  for (const path of identifiers) invalid(path, IDENTIFIER_MESSAGE);
  const outline = clinicalDocument.safeParse(json);
  if (!outline.success) issues.push(...fromZodIssues(outline.error, 'CLINICAL_INVALID', file));

  const clinical: NormalisedClinical = {
    schemaVersion: 1,
    admission: {},
    h48: {},
    ct: {},
    outcome: {},
    extra: {},
  };
  const keepUnknown = (name: string, path: string, raw: unknown) => {
    const meant = nearMiss(name);
    if (meant) return invalid(path, nearMissMessage(meant));
    trail.unknownFields.push(path);
    clinical.extra[path] = raw;
  };
  const readSection = (name: Section, fields: Record<string, unknown>) => {
    const values = clinical[name] as Record<string, unknown>;
    for (const [key, raw] of Object.entries(fields)) {
      const path = joinPath(name, key);
      if (identifiers.has(path)) continue;
      const spec = fieldSpec(key);
      if (isSection(key)) invalid(path, `"${key}" is a section of its own: move it to the top level`);
      else if (!spec) keepUnknown(key, path, raw);
      else if (!spec.sections.includes(name))
        invalid(path, `"${key}" belongs in ${spec.sections.join(' or ')}`);
      else {
        const reading = readField(spec, raw, path, file);
        issues.push(...reading.issues);
        if (reading.conversion) {
          trail.conversions.push(reading.conversion);
          clinical.sentAs = { ...clinical.sentAs, [path]: reading.conversion.from };
        }
        if (reading.value !== undefined) values[key] = reading.value;
      }
    }
  };

  for (const [key, raw] of Object.entries(json)) {
    const path = joinPath('', key);
    if (key === 'schemaVersion' || identifiers.has(path)) continue;
    const spec = fieldSpec(key);
    if (isSection(key)) {
      if (isPlainObject(raw)) readSection(key, raw);
    } else if (spec) invalid(path, `fields go inside a section: send it as ${spec.sections[0]}.${key}`);
    else keepUnknown(key, path, raw);
  }

  const { derived, issues: derivationIssues } = deriveMissing(clinical, file);
  trail.derived.push(...derived);
  issues.push(...derivationIssues, ...checkConsistency(clinical, file));
  return issues.length === 0 ? { ok: true, ...trail, clinical, issues: [] } : { ok: false, ...trail, issues };
}
