import type { Quantity } from './types';

export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/**
 * The UCUM code of each unit the pipeline writes (clinical.json's canonical units, the units scores
 * were computed in, the model card's units). A unit not listed is written as text only, without a code.
 */
const UCUM_CODES: Readonly<Record<string, string>> = {
  years: 'a',
  kg: 'kg',
  cm: 'cm',
  'kg/m²': 'kg/m2',
  '°C': 'Cel',
  '/min': '/min',
  mmHg: 'mm[Hg]',
  kPa: 'kPa',
  points: '{score}',
  fraction: '1',
  pH: '[pH]',
  'mmol/L': 'mmol/L',
  'µmol/L': 'umol/L',
  '10^9/L': '10*9/L',
  '%': '%',
  'mg/L': 'mg/L',
  'mg/dL': 'mg/dL',
  'ng/mL': 'ng/mL',
  'g/L': 'g/L',
  'U/L': 'U/L',
  'mg/L FEU': 'mg/L{FEU}',
  L: 'L',
  h: 'h',
  'mm³': 'mm3',
  HU: "[hnsf'U]",
};

/** The UCUM code of a project unit, or undefined where UCUM has none on the list. */
export const ucumCode = (unit: string): string | undefined => UCUM_CODES[unit];

/** A value in a project unit as a FHIR Quantity: UCUM-coded where the unit is known, else the unit as text. */
export function quantity(value: number, unit: string | undefined): Quantity {
  if (unit === undefined || unit === '') return { value };
  const code = ucumCode(unit);
  return code === undefined ? { value, unit } : { value, unit, system: UCUM_SYSTEM, code };
}
