/** clinical.json: the field catalogue, unit conversions and the normaliser (docs/upload.md for hospitals). */
export {
  CLINICAL_FIELDS,
  type AdmissionValues,
  type ClinicalFieldName,
  type CtFindings,
  type H48Values,
  type NormalisedClinical,
  type OutcomeValues,
} from './catalogue';
export type { DerivedValue } from './consistency';
export { SECTIONS, type Consumer, type FieldSpec, type Section } from './field-spec';
export { isIdentifierKey } from './identifiers';
export { normaliseClinical, type ClinicalNormalisation } from './normalise';
export { acceptedUnits, type ClinicalConversion } from './read-field';
export { CONVERSIONS, UNITS, unitKey, type UnitConversion } from './units';
