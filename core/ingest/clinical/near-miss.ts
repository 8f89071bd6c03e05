import { CLINICAL_FIELDS, type ClinicalFieldName } from './catalogue';
import { closestNames } from './edit-distance';
import { SECTIONS } from './field-spec';

/**
 * Abbreviations and other names of catalogue fields that hospitals' exports use, by their loose form
 * (`looseName`). Only names that mean one catalogue field and nothing else: SpO2 and SaO2 are not PaO2,
 * "Ht" is height or haematocrit, "neutrophils" is a count or a percentage, a base excess is a negative
 * base deficit. Those stay unknown fields.
 */
const ALIASES: Readonly<Record<string, ClinicalFieldName>> = {
  gender: 'sex',
  aetiology: 'etiology',
  wt: 'weight',
  temp: 'temperature',
  bodytemperature: 'temperature',
  hr: 'heartRate',
  pulse: 'heartRate',
  pulserate: 'heartRate',
  rr: 'respiratoryRate',
  resprate: 'respiratoryRate',
  systolic: 'sbp',
  systolicbp: 'sbp',
  systolicbloodpressure: 'sbp',
  diastolic: 'dbp',
  diastolicbp: 'dbp',
  diastolicbloodpressure: 'dbp',
  meanarterialpressure: 'map',
  glasgow: 'gcs',
  glasgowcomascale: 'gcs',
  glasgowcomascore: 'gcs',
  hco3: 'bicarbonate',
  bicarb: 'bicarbonate',
  na: 'sodium',
  k: 'potassium',
  wcc: 'wbc',
  wbcc: 'wbc',
  leukocytes: 'wbc',
  leucocytes: 'wbc',
  whitecellcount: 'wbc',
  whitebloodcells: 'wbc',
  whitebloodcellcount: 'wbc',
  hct: 'haematocrit',
  plt: 'platelets',
  plateletcount: 'platelets',
  creactiveprotein: 'crp',
  procalcitonin: 'pct',
  tg: 'triglycerides',
  trig: 'triglycerides',
  trigs: 'triglycerides',
  chol: 'totalCholesterol',
  cholesterol: 'totalCholesterol',
  ca: 'calcium',
  bun: 'urea',
  cr: 'creatinine',
  creat: 'creatinine',
  glu: 'glucose',
  glc: 'glucose',
  bloodglucose: 'glucose',
  bloodsugar: 'glucose',
  lactatedehydrogenase: 'ldh',
  sgot: 'ast',
  aspartateaminotransferase: 'ast',
  sgpt: 'alt',
  alanineaminotransferase: 'alt',
  alb: 'albumin',
  bilirubin: 'totalBilirubin',
  tbil: 'totalBilirubin',
  tbili: 'totalBilirubin',
};

/**
 * Real measurements of their own that lie within a typo of a catalogue name (SaO2 of PaO2, pCO2 of
 * PaCO2): kept as unknown fields, never refused as a misspelling.
 */
const OTHER_MEASUREMENTS = new Set(['sao2', 'pco2', 'spo2', 'svo2']);

/** How names are compared: blind to case, `_`, `-` and spaces (`White_Cell_Count`, `heart rate`). */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const KNOWN_NAMES = [...Object.keys(CLINICAL_FIELDS), ...SECTIONS, 'schemaVersion'];
const BY_LOOSE_NAME = new Map(KNOWN_NAMES.map((name) => [looseName(name), name] as const));

export interface NearMiss {
  /** The known names meant, closest first (several only when equally close). */
  names: string[];
  /** `case`: differs only in case or separators; `alias`: another name of the field; `spelling`: a typo. */
  kind: 'case' | 'alias' | 'spelling';
}

/**
 * The catalogue name (or section) an unknown name most likely meant: the same name written differently,
 * a known alias, or a misspelling within `typoAllowance` (by the shorter name's length: none up to
 * 3 letters, 1 edit up to 5, 2 above). Undefined for a name far from all of them, which is a genuine
 * extra field (`lactate`, `ggt`, `spo2`).
 */
export function nearMiss(name: string): NearMiss | undefined {
  const loose = looseName(name);
  const sameName = BY_LOOSE_NAME.get(loose);
  if (sameName !== undefined) return sameName === name ? undefined : { names: [sameName], kind: 'case' };
  const alias = ALIASES[loose];
  if (alias !== undefined) return { names: [alias], kind: 'alias' };
  if (OTHER_MEASUREMENTS.has(loose)) return undefined;
  const names = closestNames(name, KNOWN_NAMES, looseName);
  return names.length > 0 ? { names, kind: 'spelling' } : undefined;
}

/** The refusal's words: `did you mean "heartRate"? …`. */
export function nearMissMessage({ names, kind }: NearMiss): string {
  const meant = names.map((n) => `"${n}"`).join(' or ');
  const why = {
    case: 'Names are case-sensitive',
    alias: 'clinical.json names each field as the catalogue does (docs/upload.md)',
    spelling: 'a misspelt field would be dropped from the scores and the model',
  }[kind];
  return `unknown field; did you mean ${meant}? ${why}`;
}
