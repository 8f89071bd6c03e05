/**
 * The FHIR R4 (4.0.1) data types and resources this module writes, as far as it writes them
 * (https://hl7.org/fhir/R4/datatypes.html, https://hl7.org/fhir/R4/riskassessment.html,
 * https://hl7.org/fhir/R4/observation.html). Optional elements it never sets are left out.
 */

export interface Coding {
  system: string;
  code: string;
  version?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text: string;
}

/** A UCUM quantity (system and code set) or, for a unit UCUM cannot name, the unit as text only. */
export interface Quantity {
  value: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Range {
  low: Quantity;
  high: Quantity;
}

export interface Identifier {
  system: string;
  value: string;
}

/** A literal reference (`#id` for a contained resource) or a logical one (by identifier). */
export interface Reference {
  reference?: string;
  identifier?: Identifier;
}

export interface Annotation {
  text: string;
}

export interface Observation {
  resourceType: 'Observation';
  id: string;
  status: 'final';
  category?: CodeableConcept[];
  code: CodeableConcept;
  valueQuantity?: Quantity;
  valueInteger?: number;
  valueBoolean?: boolean;
  valueString?: string;
  valueRange?: Range;
  dataAbsentReason?: CodeableConcept;
  interpretation?: CodeableConcept[];
  note?: Annotation[];
  derivedFrom?: Reference[];
}

export interface RiskAssessmentPrediction {
  outcome: CodeableConcept;
  probabilityDecimal: number;
  qualitativeRisk: CodeableConcept;
  rationale: string;
}

export interface RiskAssessment {
  resourceType: 'RiskAssessment';
  contained: Observation[];
  status: 'final';
  code: CodeableConcept;
  subject: Reference;
  occurrenceDateTime: string;
  method: CodeableConcept;
  basis: Reference[];
  prediction: [RiskAssessmentPrediction];
  note?: Annotation[];
}
