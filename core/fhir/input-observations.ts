import type { BasisInput } from './basis-inputs';
import { loincCoding } from './loinc';
import type { CodeableConcept, Observation } from './types';
import { quantity } from './ucum';

const DATA_ABSENT_REASON = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';

/** Where each source's values come from, in the words of code.text. */
const SOURCE_TEXT: Record<BasisInput['source'], (path: string) => string> = {
  clinical: (path) => `clinical.json ${path}`,
  radiomics: (path) => `IBSI radiomics feature ${path} of the segmented pancreas`,
  inference: (path) => `deep-learning classifier output ${path}`,
};

/** A contained Observation for one basis input, with id `input-{n}`. */
export function inputObservation(input: BasisInput, n: number): Observation {
  return {
    resourceType: 'Observation',
    id: `input-${n}`,
    status: 'final',
    code: inputCode(input),
    ...observedValue(input),
  };
}

function inputCode(input: BasisInput): CodeableConcept {
  const loinc =
    input.source === 'clinical' && input.unit !== undefined ? loincCoding(input.path, input.unit) : undefined;
  const words = input.label ?? loinc?.display;
  const where = SOURCE_TEXT[input.source](input.path);
  const text = words === undefined ? where : `${words} (${where})`;
  return loinc ? { coding: [loinc], text } : { text };
}

function observedValue(input: BasisInput): Partial<Observation> {
  const { value } = input;
  if (value === undefined) {
    // "unknown": the value is expected to exist but is not known (https://hl7.org/fhir/R4/codesystem-data-absent-reason.html).
    const text = input.missingReason ?? 'not in the study';
    return { dataAbsentReason: { coding: [{ system: DATA_ABSENT_REASON, code: 'unknown' }], text } };
  }
  if (typeof value === 'number') return { valueQuantity: quantity(value, input.unit) };
  if (typeof value === 'boolean') return { valueBoolean: value };
  return { valueString: value };
}
