import type { NormalisedClinical } from '../ingest/clinical';
import {
  assemble,
  atLeast,
  bandPoints,
  choiceItem,
  inputOf,
  missingItem,
  slot,
  type Band,
  type Slot,
} from './rules';
import type { ApacheIIResult, ScoreItem } from './types';
import { creatinineFromMgDl } from './units';

/**
 * APACHE II (Knaus 1985; scores.md section 7) from the admission values (worst within 24 h): 12 physiologic
 * variables + age points + chronic-health points, 0-71. Each row is a list of bands, highest first, each
 * scoring from its lower end upward: a value in a gap of the published integer table (38.95 °C) scores as
 * the band below it. Creatinine bands are mg/dL × 88.4 (scores.md factor), compared in µmol/L.
 *
 * Not in scores.md, taken from Knaus 1985 as published (MDCalc tabulates the same):
 * - A-a gradient = FiO2 × (760 − 47) − PaCO2 / 0.8 − PaO2 (sea level, respiratory quotient 0.8);
 * - serum HCO3 bands, used only when there is no arterial pH.
 * Temperature is scored as sent (the score asks for rectal).
 */
const b = (from: number, points: number, strict = false): Band => ({ from, points, strict });

export const APACHE_II_BANDS = {
  temperature: [b(41, 4), b(39, 3), b(38.5, 1), b(36, 0), b(34, 1), b(32, 2), b(30, 3)],
  map: [b(160, 4), b(130, 3), b(110, 2), b(70, 0), b(50, 2)],
  heartRate: [b(180, 4), b(140, 3), b(110, 2), b(70, 0), b(55, 2), b(40, 3)],
  respiratoryRate: [b(50, 4), b(35, 3), b(25, 1), b(12, 0), b(10, 1), b(6, 2)],
  aaGradient: [b(500, 4), b(350, 3), b(200, 2)],
  pao2: [b(70, 0, true), b(61, 1), b(55, 3)],
  ph: [b(7.7, 4), b(7.6, 3), b(7.5, 1), b(7.33, 0), b(7.25, 2), b(7.15, 3)],
  bicarbonate: [b(52, 4), b(41, 3), b(32, 1), b(22, 0), b(18, 2), b(15, 3)],
  sodium: [b(180, 4), b(160, 3), b(155, 2), b(150, 1), b(130, 0), b(120, 2), b(111, 3)],
  potassium: [b(7, 4), b(6, 3), b(5.5, 1), b(3.5, 0), b(3, 1), b(2.5, 2)],
  creatinine: [3.5, 2, 1.5, 0.6].map((mgdl, i) => b(creatinineFromMgDl(mgdl), [4, 3, 2, 0][i]!)),
  haematocrit: [b(60, 4), b(50, 2), b(46, 1), b(30, 0), b(20, 2)],
  wbc: [b(40, 4), b(20, 2), b(15, 1), b(3, 0), b(1, 2)],
  age: [b(75, 6), b(65, 5), b(55, 3), b(45, 2)],
} as const satisfies Record<string, readonly Band[]>;

/** Points below the lowest band. */
const BELOW_ALL = {
  temperature: 4,
  map: 4,
  heartRate: 4,
  respiratoryRate: 4,
  aaGradient: 0,
  pao2: 4,
  ph: 4,
  bicarbonate: 4,
  sodium: 4,
  potassium: 4,
  creatinine: 2,
  haematocrit: 4,
  wbc: 4,
  age: 0,
} as const satisfies Record<keyof typeof APACHE_II_BANDS, number>;

export const APACHE_II_FIO2_GRADIENT_AT = 0.5;
export const CHRONIC_HEALTH_POINTS = {
  none: 0,
  nonoperative: 5,
  'emergency-postoperative': 5,
  'elective-postoperative': 2,
} as const;
/** scores.md section 7: APACHE II ≥ 8 means severe AP. */
export const APACHE_II_SEVERE_AT = 8;

type Row = keyof typeof APACHE_II_BANDS;

function banded(item: string, row: Row, from: Slot<number>, rule: string, upTo = 4): ScoreItem {
  if (from.value === undefined) return missingItem(item, [from.field], rule, upTo);
  return {
    item,
    points: bandPoints(from.value, APACHE_II_BANDS[row], BELOW_ALL[row]),
    input: inputOf(from),
    rule,
  };
}

function oxygenation(clinical: NormalisedClinical): ScoreItem {
  const fio2 = slot(clinical, 'admission', 'fio2');
  const pao2 = slot(clinical, 'admission', 'pao2');
  const paco2 = slot(clinical, 'admission', 'paco2');
  const item = 'oxygenation';
  const rule =
    `FiO2 ≥ ${APACHE_II_FIO2_GRADIENT_AT}: A-a gradient ≥ 500: 4, 350-499: 3, 200-349: 2; ` +
    'else PaO2 > 70: 0, 61-70: 1, 55-60: 3, < 55: 4';
  const absent = (...slots: Slot<number>[]) => slots.filter((s) => s.value === undefined).map((s) => s.field);
  if (fio2.value === undefined) return missingItem(item, absent(fio2, pao2), rule, 4);
  if (!atLeast(fio2.value, APACHE_II_FIO2_GRADIENT_AT)) return banded(item, 'pao2', pao2, rule);
  if (pao2.value === undefined || paco2.value === undefined) {
    return missingItem(item, absent(pao2, paco2), rule, 4);
  }
  const gradient = Number((fio2.value * (760 - 47) - paco2.value / 0.8 - pao2.value).toPrecision(6));
  return {
    item,
    points: bandPoints(gradient, APACHE_II_BANDS.aaGradient, 0),
    input: { field: 'A-a gradient (admission.fio2, pao2, paco2)', value: gradient, unit: 'mmHg' },
    rule,
  };
}

function acidBase(clinical: NormalisedClinical): ScoreItem {
  const ph = slot(clinical, 'admission', 'ph');
  const bicarbonate = slot(clinical, 'admission', 'bicarbonate');
  const rule = 'arterial pH (serum HCO3 if no blood gas)';
  if (ph.value === undefined && bicarbonate.value === undefined) {
    return missingItem('arterial pH', [ph.field, bicarbonate.field], rule, 4);
  }
  if (ph.value !== undefined) return banded('arterial pH', 'ph', ph, rule);
  return banded('arterial pH', 'bicarbonate', bicarbonate, rule);
}

/** Creatinine points, doubled in acute renal failure; ARF unknown leaves the doubling open. */
function creatinine(clinical: NormalisedClinical): ScoreItem {
  const rule =
    'creatinine mg/dL ≥ 3.5: 4, 2-3.4: 3, 1.5-1.9: 2, 0.6-1.4: 0, < 0.6: 2 (× 88.4 µmol/L); ×2 in ARF';
  const base = banded('creatinine', 'creatinine', slot(clinical, 'admission', 'creatinine'), rule, 8);
  const arf = slot(clinical, 'admission', 'acuteRenalFailure');
  if (base.points === null || base.points === 0 || arf.value === false) return base;
  if (arf.value === true) return { ...base, points: base.points * 2 };
  return { ...base, upTo: base.points * 2, missing: [arf.field] };
}

export function apacheII(clinical: NormalisedClinical): ApacheIIResult {
  const at = <K extends keyof NormalisedClinical['admission'] & string>(key: K) =>
    slot(clinical, 'admission', key);
  const gcs = at('gcs');
  const physiology = [
    banded('temperature', 'temperature', at('temperature'), '°C ≥ 41: 4 … 36-38.4: 0 … < 30: 4'),
    banded('mean arterial pressure', 'map', at('map'), 'mmHg ≥ 160: 4 … 70-109: 0 … < 50: 4'),
    banded('heart rate', 'heartRate', at('heartRate'), '/min ≥ 180: 4 … 70-109: 0 … < 40: 4'),
    banded('respiratory rate', 'respiratoryRate', at('respiratoryRate'), '/min ≥ 50: 4 … 12-24: 0 … < 6: 4'),
    oxygenation(clinical),
    acidBase(clinical),
    banded('sodium', 'sodium', at('sodium'), 'mmol/L ≥ 180: 4 … 130-149: 0 … < 111: 4'),
    banded('potassium', 'potassium', at('potassium'), 'mmol/L ≥ 7: 4 … 3.5-5.4: 0 … < 2.5: 4'),
    creatinine(clinical),
    banded('haematocrit', 'haematocrit', at('haematocrit'), '% ≥ 60: 4 … 30-45.9: 0 … < 20: 4'),
    banded('WBC', 'wbc', at('wbc'), '×10^9/L ≥ 40: 4 … 3-14.9: 0 … < 1: 4'),
    gcs.value === undefined
      ? missingItem('Glasgow Coma Scale', [gcs.field], '15 − GCS', 12)
      : { item: 'Glasgow Coma Scale', points: 15 - gcs.value, input: inputOf(gcs), rule: '15 − GCS' },
  ];
  const age = banded('age', 'age', at('age'), 'years ≤ 44: 0, 45-54: 2, 55-64: 3, 65-74: 5, ≥ 75: 6', 6);
  const chronic = choiceItem(
    'chronic health',
    at('severeChronicDisease'),
    CHRONIC_HEALTH_POINTS,
    'severe organ insufficiency or immunocompromise: 5 nonoperative or emergency postoperative, 2 elective',
  );
  const result = assemble('APACHE II', [...physiology, age, chronic], {
    max: 71,
    bands: [
      { upTo: APACHE_II_SEVERE_AT - 1, text: `not severe (< ${APACHE_II_SEVERE_AT})` },
      { upTo: 71, text: `severe AP (≥ ${APACHE_II_SEVERE_AT})` },
    ],
    cutOff: { atLeast: APACHE_II_SEVERE_AT, rule: `APACHE II ≥ ${APACHE_II_SEVERE_AT}: severe AP` },
  });
  return {
    ...result,
    acutePhysiology: physiology.reduce((sum, item) => sum + (item.points ?? 0), 0),
    agePoints: age.points,
    chronicHealthPoints: chronic.points,
  };
}
