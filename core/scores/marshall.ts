import { CONVERSIONS, type NormalisedClinical } from '../ingest/clinical';
import { assemble, bandPoints, below, inputOf, missingItem, slot, type Band } from './rules';
import type { ClassicScoreOptions, MarshallResult, MarshallSystem, ScoreItem } from './types';

/**
 * Modified Marshall organ-failure score (revised Atlanta; scores.md section 8), from the admission values
 * (worst within 24 h). Organ failure: ≥ 2 in any system. A label ingredient, never a model input.
 *
 * Table ambiguities, resolved as scores.md says:
 * - PaO2/FiO2 of exactly 101 scores 4 (so 3 is 101 < P/F ≤ 200); 300 < P/F ≤ 400 scores 1, and so on.
 * - SBP exactly 90 scores 0.
 * - Creatinine, mg/dL column: 3.6 (in two bands) scores 2, the 1.8-1.9 gap scores 2: the upper end of
 *   each band is inclusive and a gap goes to the band above.
 * The table's µmol/L column (Marshall 1995's own cut-offs: ≤ 134, 134-169, 170-310, 311-439, > 439) is not
 * the mg/dL column × 88.4 (1.4 mg/dL = 123.8 µmol/L scores 1 by mg/dL, 0 by µmol/L), so the value is
 * scored by the column of the unit it was sent in (issue #22): mg/dL values on the mg/dL column as sent,
 * anything else on the µmol/L column, read by the same rule (134 scores 0, 169 < x < 170 scores 2,
 * 310 < x < 311 scores 3). The renal item's `basis` and the result's `renalColumn` say which was used;
 * `marshallCreatinineColumn` forces one column (the value converted with scores.md's 88.4).
 *
 * Cardiovascular: SBP < 90 scores 1 (fluid responsive) or 2 (not), which the record does not say: such a
 * patient scores 1 with `upTo: 2` and "fluidResponse" listed missing, unless pH < 7.3 (3) or < 7.2 (4).
 * No correction for chronic kidney disease (scores.md: none exists).
 */
export const MARSHALL_PF_BANDS: readonly Band[] = [
  { from: 400, strict: true, points: 0 },
  { from: 300, strict: true, points: 1 },
  { from: 200, strict: true, points: 2 },
  { from: 101, strict: true, points: 3 },
];

export type CreatinineColumn = NonNullable<ClassicScoreOptions['marshallCreatinineColumn']>;

/** Creatinine bands of each column, in that column's unit (highest first): points above each cut-off. */
export const MARSHALL_CREATININE: Record<CreatinineColumn, readonly Band[]> = {
  'µmol/L': [
    { from: 439, strict: true, points: 4 },
    { from: 310, strict: true, points: 3 },
    { from: 169, strict: true, points: 2 },
    { from: 134, strict: true, points: 1 },
  ],
  'mg/dL': [
    { from: 4.9, strict: true, points: 4 },
    { from: 3.6, strict: true, points: 3 },
    { from: 1.8, strict: true, points: 2 },
    { from: 1.4, points: 1 },
  ],
};

const RENAL_RULES: Record<CreatinineColumn, string> = {
  'µmol/L': 'creatinine ≤ 134 µmol/L: 0, ≤ 169: 1, ≤ 310: 2, ≤ 439: 3, > 439: 4',
  'mg/dL': 'creatinine < 1.4 mg/dL: 0, ≤ 1.8: 1, ≤ 3.6: 2, ≤ 4.9: 3, > 4.9: 4',
};

/** The creatinine as one column reads it: its value in that column's unit, and why that column. */
interface CreatinineReading {
  column: CreatinineColumn;
  value: number;
  basis: string;
}

const MG_DL = CONVERSIONS.creatinineMgDl;

function readCreatinine(
  clinical: NormalisedClinical,
  recorded: number,
  forced: CreatinineColumn | undefined,
): CreatinineReading {
  const sent = clinical.sentAs?.['admission.creatinine'];
  const sentMgDl = sent !== undefined && sent.unit === MG_DL.unit ? sent.value : undefined;
  const column: CreatinineColumn = forced ?? (sentMgDl !== undefined ? 'mg/dL' : 'µmol/L');
  const why = forced ? 'column chosen by option' : `sent in ${column}`;
  const basis = `${column} column (${why})`;
  if (column === 'µmol/L') return { column, value: recorded, basis };
  const value = sentMgDl ?? Number((recorded / MG_DL.factor).toPrecision(6));
  return { column, value, basis };
}

export const MARSHALL_CARDIOVASCULAR = { sbpBelowMmHg: 90, phBelow3: 7.3, phBelow4: 7.2 } as const;
export const ORGAN_FAILURE_AT = 2;

function respiratory(clinical: NormalisedClinical): ScoreItem {
  const pao2 = slot(clinical, 'admission', 'pao2');
  const fio2 = slot(clinical, 'admission', 'fio2');
  const rule = 'PaO2/FiO2 > 400: 0, 301-400: 1, 201-300: 2, 101-200: 3, ≤ 101: 4';
  if (pao2.value === undefined || fio2.value === undefined) {
    const absent = [pao2, fio2].filter((from) => from.value === undefined).map((from) => from.field);
    return missingItem('respiratory', absent, rule, 4);
  }
  const ratio = Number((pao2.value / fio2.value).toPrecision(6));
  return {
    item: 'respiratory',
    points: bandPoints(ratio, MARSHALL_PF_BANDS, 4),
    input: { field: `${pao2.field} / ${fio2.field}`, value: ratio, unit: 'mmHg' },
    rule,
  };
}

function renal(
  clinical: NormalisedClinical,
  forced: CreatinineColumn | undefined,
): { item: ScoreItem; column?: CreatinineColumn } {
  const creatinine = slot(clinical, 'admission', 'creatinine');
  if (creatinine.value === undefined) {
    return { item: missingItem('renal', [creatinine.field], RENAL_RULES['µmol/L'], 4) };
  }
  const { column, value, basis } = readCreatinine(clinical, creatinine.value, forced);
  const item: ScoreItem = {
    item: 'renal',
    points: bandPoints(value, MARSHALL_CREATININE[column], 0),
    input: { field: creatinine.field, value, unit: column },
    rule: `${basis}: ${RENAL_RULES[column]}`,
    basis,
  };
  return { item, column };
}

function cardiovascular(clinical: NormalisedClinical): ScoreItem {
  const { sbpBelowMmHg, phBelow3, phBelow4 } = MARSHALL_CARDIOVASCULAR;
  const sbp = slot(clinical, 'admission', 'sbp');
  const ph = slot(clinical, 'admission', 'ph');
  const item = 'cardiovascular';
  const rule =
    `SBP ≥ ${sbpBelowMmHg}: 0; < ${sbpBelowMmHg}: 1 fluid responsive, 2 not, 3 with pH < ${phBelow3}, ` +
    `4 with pH < ${phBelow4}`;
  if (sbp.value === undefined) return missingItem(item, [sbp.field], rule, 4);
  if (!below(sbp.value, sbpBelowMmHg)) return { item, points: 0, input: inputOf(sbp), rule };
  if (ph.value === undefined) {
    return { item, points: 1, upTo: 4, input: inputOf(sbp), rule, missing: [ph.field, 'fluidResponse'] };
  }
  if (below(ph.value, phBelow4)) return { item, points: 4, input: inputOf(ph), rule };
  if (below(ph.value, phBelow3)) return { item, points: 3, input: inputOf(ph), rule };
  return { item, points: 1, upTo: 2, input: inputOf(sbp), rule, missing: ['fluidResponse'] };
}

export function modifiedMarshall(
  clinical: NormalisedClinical,
  creatinineColumn?: CreatinineColumn,
): MarshallResult {
  const renalScore = renal(clinical, creatinineColumn);
  const bySystem: Record<MarshallSystem, ScoreItem> = {
    respiratory: respiratory(clinical),
    renal: renalScore.item,
    cardiovascular: cardiovascular(clinical),
  };
  const items = Object.values(bySystem);
  const result = assemble('modified Marshall', items, { max: 12 });
  const entries = Object.entries(bySystem) as [MarshallSystem, ScoreItem][];
  const failingSystems = entries
    .filter(([, item]) => (item.points ?? 0) >= ORGAN_FAILURE_AT)
    .map(([system]) => system);
  const couldFail = items.some((item) => (item.upTo ?? item.points ?? 0) >= ORGAN_FAILURE_AT);
  const organFailure = failingSystems.length > 0 ? true : couldFail ? undefined : false;
  const systems = Object.fromEntries(entries.map(([system, item]) => [system, item.points])) as Record<
    MarshallSystem,
    number | null
  >;
  return {
    ...result,
    interpretation:
      organFailure === undefined
        ? 'organ failure undetermined: missing inputs could reach 2 in a system'
        : organFailure
          ? `organ failure (${failingSystems.join(', ')} ≥ ${ORGAN_FAILURE_AT})`
          : 'no organ failure (every system < 2)',
    cutOff: { rule: `any system ≥ ${ORGAN_FAILURE_AT}: organ failure`, met: organFailure },
    systems,
    renalColumn: renalScore.column,
    organFailure,
    failingSystems,
  };
}
