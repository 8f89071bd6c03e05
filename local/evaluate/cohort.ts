import { OUTCOME_SPELLINGS, parseOutcomeText } from '../../core/evaluation';
import { loadFusionModel } from '../../core/fusion/load-model';
import { normaliseClinical } from '../../core/ingest/clinical';
import { classicScores } from '../../core/scores';
import { predictBatch, rowFromRecord } from '../../core/xgboost';

/**
 * A clinical column: its clinical.json path, and the unit in brackets where the field needs one
 * (`admission.urea [mmol/L]`, `admission.triglycerides [mg/dL]`); docs/upload.md lists fields and units.
 */
const CLINICAL_COLUMN = /^(admission|h48|ct|outcome)\.([A-Za-z0-9]+)(?: \[([^\]]+)\])?$/;

/** The classic scores `sap evaluate` compares the model with, by their key in classicScores(). */
export const COMPARED_SCORES = ['bisap', 'ranson', 'mctsi', 'sirs', 'glasgowImrie', 'apacheII'] as const;
type ComparedScore = (typeof COMPARED_SCORES)[number];

export interface Cohort {
  ids: string[];
  outcome: Float64Array;
  /** System name → one value per patient (NaN: not available for that patient). */
  systems: Record<string, Float64Array>;
  /** Per system, patients whose value was missing or only partly computable. */
  missing: Record<string, number>;
}

/** A CSV with a header row; empty cells are null. Commas inside values are not supported. */
export function parseCsv(text: string): Record<string, string | null>[] {
  const [header, ...lines] = text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.split(',').map((c) => c.trim()));
  if (!header) return [];
  return lines.map((cells) =>
    Object.fromEntries(header.map((name, n) => [name, cells[n] ? cells[n]! : null])),
  );
}

/**
 * Reads a cohort: the outcome column (1 = SAP, spelled as OUTCOME_SPELLINGS lists), the model's probability
 * (a `probability` column, or the model applied to its feature columns), classic scores given as columns or
 * computed from clinical columns named by their clinical.json path (`admission.urea`, `h48.calcium`,
 * `ct.balthazarGrade`, ...).
 */
export function readCohort(
  rows: Record<string, string | null>[],
  options: { outcome: string; model?: { cardJson: unknown; bytes: Uint8Array } },
): Cohort {
  const n = rows.length;
  const outcome = Float64Array.from(rows, (r, i) => {
    const v = r[options.outcome];
    const label = parseOutcomeText(v);
    if (label === undefined)
      throw new Error(
        `row ${i + 2}: ${options.outcome} must be ${OUTCOME_SPELLINGS}; got ${JSON.stringify(v)}`,
      );
    return label;
  });
  const systems: Record<string, Float64Array> = {};
  const missing: Record<string, number> = {};
  if (options.model) {
    const { card, model } = loadFusionModel(options.model.cardJson, options.model.bytes);
    const matrix = new Float64Array(n * model.numFeature);
    rows.forEach((r, i) =>
      matrix.set(rowFromRecord(model, numbers(r, model.featureNames)), i * model.numFeature),
    );
    systems[`${card.name} ${card.version}`] = predictBatch(model, matrix);
  } else if (rows[0] && 'probability' in rows[0]) {
    systems.model = Float64Array.from(rows, (r) => toNumber(r.probability));
  }
  const clinicalColumns = Object.keys(rows[0] ?? {}).filter((c) => CLINICAL_COLUMN.test(c));
  for (const score of COMPARED_SCORES) {
    const values = new Float64Array(n);
    let absent = 0;
    rows.forEach((r, i) => {
      const given = r[score];
      const value = given !== undefined ? toNumber(given) : fromClinical(r, clinicalColumns, score);
      if (Number.isNaN(value)) absent++;
      values[i] = value;
    });
    if (absent < n) {
      systems[score] = values;
      missing[score] = absent;
    }
  }
  for (const [name, values] of Object.entries(systems)) missing[name] ??= values.filter(Number.isNaN).length;
  return { ids: rows.map((r, i) => r.studyId ?? String(i + 1)), outcome, systems, missing };
}

function fromClinical(row: Record<string, string | null>, columns: string[], score: ComparedScore): number {
  if (columns.length === 0) return Number.NaN;
  const document: Record<string, Record<string, unknown>> = { admission: {}, h48: {}, ct: {}, outcome: {} };
  for (const column of columns) {
    const [, section, field, unit] = CLINICAL_COLUMN.exec(column)!;
    const raw = row[column];
    if (raw === null || raw === undefined) continue;
    const value =
      raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
    document[section!]![field!] = unit ? { value, unit } : value;
  }
  const clinical = normaliseClinical({ schemaVersion: 1, ...document });
  if (!clinical.ok) return Number.NaN;
  const result = classicScores(clinical.clinical)[score];
  // A partial score is a lower bound, not a value: that patient counts as missing for this score.
  return result && !result.partial ? result.value : Number.NaN;
}

const toNumber = (v: string | null | undefined) =>
  v === null || v === undefined || v === '' ? Number.NaN : Number(v);
/** The model's inputs of one row, by name: other columns (ids, outcome, scores) are not model inputs. */
const numbers = (r: Record<string, string | null>, names: string[]) =>
  Object.fromEntries(
    names.map((name) => [name, r[name] === null || r[name] === undefined ? null : Number(r[name])]),
  );
