import { CONVERSIONS } from '../ingest/clinical';

/**
 * Cut-offs that scores.md writes in US units, converted to the record's SI unit with the one set of factors
 * the project keeps (core/ingest/clinical/units.ts, taken from scores.md "Unit conversions"). Converting the
 * cut-off rather than the value keeps the item's input exactly as the record holds it.
 */

/** BUN mg/dL → urea mmol/L (BUN mg/dL = urea mmol/L × 2.801). */
export const ureaFromBunMgDl = (bun: number): number => bun * CONVERSIONS.bunMgDl.factor;
/** Glucose mg/dL → mmol/L (÷ 18.016). */
export const glucoseFromMgDl = (glucose: number): number => glucose * CONVERSIONS.glucoseMgDl.factor;
/** Total calcium mg/dL → mmol/L (× 0.2495). */
export const calciumFromMgDl = (calcium: number): number => calcium * CONVERSIONS.calciumMgDl.factor;
/** Creatinine mg/dL → µmol/L (× 88.4). */
export const creatinineFromMgDl = (creatinine: number): number =>
  creatinine * CONVERSIONS.creatinineMgDl.factor;

/** A number for a rule's text: at most 4 significant digits. */
export function shown(value: number): string {
  return String(Number(value.toPrecision(4)));
}
