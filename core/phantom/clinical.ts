import type { PhantomPatient } from './patient';
import { createRng, type Rng } from './rng';
import type { PhantomVariant } from './severity';

/**
 * The admission record that goes with a phantom, as a clinical.json document (schemaVersion 1: sections
 * admission / h48 / ct / outcome, field names and canonical SI units of core/ingest/clinical). Values are
 * plausible for acute pancreatitis and move toward the severe end with the variant's severity: SIRS
 * criteria, BISAP items (urea > 8.9 mmol/L, GCS < 15, pleural effusion), Ranson items (glucose > 11.1,
 * LDH > 350, AST > 250, calcium < 2.0) and the paper's top predictor, triglycerides.
 */
export interface Measurement {
  value: number;
  unit: string;
}

export interface PhantomClinical {
  schemaVersion: 1;
  admission: Record<string, number | string | boolean | Measurement>;
  h48: Record<string, number | Measurement>;
  ct: Record<string, number | string | boolean>;
  outcome: Record<string, number | string | boolean>;
}

/**
 * How severe the variant is, 0 (normal gland) to 1. Each finding alone raises it; together they compound
 * (1 − Π(1 − weight)). Necrosis weighs more the larger its share of the gland.
 */
export function severityScore(variants: ReadonlySet<PhantomVariant>, necrosisFraction: number): number {
  const weights: number[] = [];
  if (variants.has('oedematous')) weights.push(0.2);
  if (variants.has('peripancreatic-fluid')) weights.push(0.4);
  if (variants.has('necrotising')) weights.push(0.5 + 0.4 * necrosisFraction);
  if (variants.has('pleural-effusion')) weights.push(0.5);
  return 1 - weights.reduce((rest, w) => rest * (1 - w), 1);
}

/** The severity index from which a phantom is severe acute pancreatitis (persistent organ failure). */
export const SEVERE_INDEX = 0.7;

/**
 * The phantom cohort's label, one rule for clinical.json's outcome (atlantaSeverity "severe") and
 * `sap phantoms`' outcomes.csv: severe when severityScore reaches SEVERE_INDEX. With the weights above that
 * is necrosis with a pleural effusion or with peripancreatic fluid, a pleural effusion with peripancreatic
 * fluid, or necrosis of at least half the gland (with oedema, of at least 31.25 % of it).
 */
export function isSeverePhantom(variants: ReadonlySet<PhantomVariant>, necrosisFraction: number): boolean {
  return severityScore(variants, variants.has('necrotising') ? necrosisFraction : 0) >= SEVERE_INDEX;
}

export interface ClinicalInputs {
  seed: number;
  patient: PhantomPatient;
  variants: ReadonlySet<PhantomVariant>;
  necrosisFraction: number;
  /** Number of peripancreatic collections drawn (Balthazar D = one, E = two or more). */
  collections: number;
}

export function phantomClinical(input: ClinicalInputs): PhantomClinical {
  const { patient, variants } = input;
  const necrosis = variants.has('necrotising') ? input.necrosisFraction : 0;
  const s = severityScore(variants, necrosis);
  const rng = createRng(input.seed, 'clinical');
  /** A value between the mild range [a, b] and the severe range [c, d], interpolated by severity. */
  const v = (a: number, b: number, c: number, d: number, digits = 1) =>
    round(rng.between(a + (c - a) * s, b + (d - b) * s), digits);
  const biliary = patient.etiology === 'biliary';
  const htg = patient.etiology === 'hypertriglyceridaemic';
  const severe = isSeverePhantom(variants, input.necrosisFraction);

  const sbp = v(118, 145, 86, 108, 0);
  const neutrophilPercent = v(62, 78, 84, 93);
  const ast = v(18, 60, 140, 420, 0) * (biliary ? 3 : 1);
  const admission = {
    age: patient.age,
    sex: patient.sex,
    etiology: patient.etiology,
    bmi: patient.bmi,
    temperature: v(36.4, 37.6, 38.0, 39.3),
    heartRate: v(68, 92, 102, 132, 0),
    respiratoryRate: v(14, 19, 22, 32, 0),
    sbp,
    dbp: round(sbp * rng.between(0.58, 0.68), 0),
    gcs: severe && rng.chance(0.6) ? rng.int(12, 14) : 15,
    pao2: v(85, 100, 52, 68, 0),
    fio2: severe ? 0.3 : 0.21,
    wbc: v(6.5, 11.5, 14, 24),
    neutrophilPercent,
    lymphocytePercent: round(Math.max(2, 100 - neutrophilPercent - rng.between(5, 12)), 1),
    haematocrit: v(36, 43, 44, 52),
    platelets: v(170, 320, 95, 190, 0),
    crp: mgL(v(5, 60, 150, 320, 0)),
    pct: v(0.05, 0.4, 1.5, 9, 2),
    triglycerides: mmolL(htg ? v(11.5, 18, 15, 35) : v(0.9, 2.6, 2.5, 8, 2)),
    totalCholesterol: htg ? v(6, 12, 7, 14) : v(3.4, 5.8, 3.4, 5.8),
    calcium: v(2.15, 2.48, 1.55, 1.95, 2),
    urea: mmolL(v(3, 7, 9.5, 19)),
    creatinine: v(52, 98, 150, 320, 0),
    glucose: mmolL(v(4.8, 8.5, 11.5, 19)),
    ldh: v(170, 300, 480, 1100, 0),
    ast: round(ast, 0),
    alt: round(ast * (biliary ? rng.between(0.9, 1.6) : rng.between(0.5, 0.9)), 0),
    albumin: v(36, 46, 24, 31),
    totalBilirubin: { value: round(v(7, 22, 20, 60) * (biliary ? 2 : 1), 1), unit: 'µmol/L' },
    amylase: round(rng.between(350, 2500), 0),
    lipase: round(rng.between(700, 6000), 0),
    pleuralEffusion: variants.has('pleural-effusion'),
  };
  const h48 = {
    haematocrit: round(admission.haematocrit - v(1, 4, 6, 12), 1),
    urea: mmolL(round(admission.urea.value + v(-1, 1, 2, 8), 1)),
    calcium: round(admission.calcium - v(0, 0.1, 0.05, 0.25, 2), 2),
    pao2: v(85, 100, 50, 62, 0),
    baseDeficit: v(-2, 2, 4.5, 9),
    fluidSequestration: v(0.5, 2.5, 4.5, 8),
    crp: mgL(v(10, 90, 180, 380, 0)),
  };
  return {
    schemaVersion: 1,
    admission,
    h48,
    ct: ctRead(input, necrosis, rng),
    outcome: outcome(input, s, rng),
  };
}

/** The radiologist's read of the phantom CT: Balthazar grade and necrosis category (CTSI/MCTSI). */
function ctRead(input: ClinicalInputs, necrosis: number, rng: Rng): PhantomClinical['ct'] {
  const { variants } = input;
  const inflamed = variants.has('oedematous') || variants.has('necrotising');
  const grade = input.collections >= 2 ? 'E' : input.collections === 1 ? 'D' : inflamed ? 'C' : 'A';
  const category =
    necrosis === 0 ? 'none' : necrosis <= 0.3 ? 'up-to-30' : necrosis <= 0.5 ? '30-to-50' : 'over-50';
  return {
    balthazarGrade: grade,
    necrosis: category,
    peripancreaticFatNecrosis: false,
    ascites: false,
    hoursAfterAdmission: rng.int(12, 72),
  };
}

/** Revised Atlanta label: severe = persistent organ failure; local complications make it at least moderate. */
function outcome(input: ClinicalInputs, s: number, rng: Rng): PhantomClinical['outcome'] {
  const local = input.variants.has('necrotising') || input.variants.has('peripancreatic-fluid');
  if (isSeverePhantom(input.variants, input.necrosisFraction)) {
    return {
      organFailure: 'persistent',
      organFailureHours: rng.int(72, 240),
      localComplications: local,
      atlantaSeverity: 'severe',
    };
  }
  if (local || s >= 0.35) {
    const transient = s >= 0.35;
    return {
      organFailure: transient ? 'transient' : 'none',
      organFailureHours: transient ? rng.int(12, 40) : 0,
      localComplications: local,
      atlantaSeverity: 'moderately-severe',
    };
  }
  return { organFailure: 'none', organFailureHours: 0, localComplications: false, atlantaSeverity: 'mild' };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const mmolL = (value: number): Measurement => ({ value, unit: 'mmol/L' });
const mgL = (value: number): Measurement => ({ value, unit: 'mg/L' });
