import { createRng } from './rng';

export const ETIOLOGIES = ['biliary', 'alcohol', 'hypertriglyceridaemic', 'other'] as const;
export type Etiology = (typeof ETIOLOGIES)[number];

/**
 * Who the phantom is: drawn from the seed alone (not from the grid or the variant), so the CT body habitus
 * and the clinical record agree: more subcutaneous fat goes with a higher BMI.
 */
export interface PhantomPatient {
  sex: 'M' | 'F';
  age: number;
  /** In-plane scale of the abdomen and its organ positions (1 = a 250 mm wide abdominal cavity). */
  bodyScale: number;
  /** Subcutaneous fat thickness, mm. */
  fatMm: number;
  /** kg/m², consistent with fatMm and bodyScale. */
  bmi: number;
  etiology: Etiology;
}

export function phantomPatient(seed: number): PhantomPatient {
  const rng = createRng(seed, 'patient');
  const sex = rng.chance(0.55) ? 'M' : 'F';
  const age = rng.int(24, 86);
  const bodyScale = rng.between(0.93, 1.06);
  const fatMm = rng.between(8, 34);
  const bmi = round1(19 + (fatMm - 8) * 0.45 + (bodyScale - 1) * 25);
  // Acute pancreatitis causes in Chinese cohorts: biliary first, then hypertriglyceridaemia, then alcohol.
  const e = rng.uniform();
  const etiology: Etiology =
    e < 0.45 ? 'biliary' : e < 0.7 ? 'hypertriglyceridaemic' : e < 0.9 ? 'alcohol' : 'other';
  return { sex, age, bodyScale, fatMm, bmi, etiology };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
