import { SECTIONS, type FieldSpec, type Section, type SectionValues } from './field-spec';
import { LAB_FIELDS } from './fields-labs';
import { PATIENT_FIELDS } from './fields-patient';
import { FINDING_FIELDS } from './fields-findings';

/**
 * Every field clinical.json may carry: name → unit, accepted alternative units, plausible range, the
 * sections it may appear in, and the scores and models that read it. docs/upload.md lists the same table
 * for hospitals; a test keeps the two in step.
 */
export const CLINICAL_FIELDS = { ...PATIENT_FIELDS, ...LAB_FIELDS, ...FINDING_FIELDS };

export type ClinicalFieldName = keyof typeof CLINICAL_FIELDS;
type Fields = typeof CLINICAL_FIELDS;

/** Admission values: the worst within the first 24 h, canonical units; absent = not measured. */
export type AdmissionValues = SectionValues<Fields, 'admission'>;
/** The worst values within the first 48 h (Ranson's 48 h items, Glasgow-Imrie). */
export type H48Values = SectionValues<Fields, 'h48'>;
/** The radiologist's read of the study CT (CTSI, MCTSI). */
export type CtFindings = SectionValues<Fields, 'ct'>;
/** Follow-up: the revised Atlanta label. Never a model input. */
export type OutcomeValues = SectionValues<Fields, 'outcome'>;

/** clinical.json after validation: SI units, typed, no identifiers. Written to work/{id}/clinical.json. */
export interface NormalisedClinical {
  schemaVersion: 1;
  admission: AdmissionValues;
  h48: H48Values;
  ct: CtFindings;
  outcome: OutcomeValues;
  /** Fields this schema does not know, by JSON path (e.g. `admission.lactate`), kept as sent. */
  extra: Record<string, unknown>;
  /**
   * Fields converted at ingest, by JSON path (e.g. `admission.creatinine`): the value and unit as sent.
   * Absent when nothing was converted. A score whose published table disagrees between units (modified
   * Marshall creatinine) reads the column of the unit the hospital used.
   */
  sentAs?: Record<string, { value: number; unit: string }>;
}

const BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(Object.entries(CLINICAL_FIELDS));

export function fieldSpec(name: string): FieldSpec | undefined {
  return BY_NAME.get(name);
}

export function fieldsOf(section: Section): [string, FieldSpec][] {
  return [...BY_NAME].filter(([, spec]) => spec.sections.includes(section));
}

export function isSection(name: string): name is Section {
  return (SECTIONS as readonly string[]).includes(name);
}
