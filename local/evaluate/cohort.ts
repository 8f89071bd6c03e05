import type { CsvTable } from '../../core/batch/csv';
import { OUTCOME_SPELLINGS, parseOutcomeText } from '../../core/evaluation';
import { loadFusionModel } from '../../core/fusion/load-model';
import { normaliseClinical } from '../../core/ingest/clinical';
import { classicScores, COMPARED_SCORES, type ComparedScore } from '../../core/scores';
import { predictBatch, rowFromRecord } from '../../core/xgboost';
import {
  MISSING_CELL,
  modelInputs,
  numericCell,
  requireModelColumns,
  rowNumber,
  TableInputError,
} from './table-input';

/** The outcome column `sap evaluate` reads unless --outcome names another. */
export const DEFAULT_OUTCOME_COLUMN = 'sap';

/**
 * A clinical column: its clinical.json path, and the unit in brackets where the field needs one
 * (`admission.urea [mmol/L]`, `admission.triglycerides [mg/dL]`); docs/upload.md lists fields and units.
 */
const CLINICAL_COLUMN = /^(admission|h48|ct|outcome)\.([A-Za-z0-9]+)(?: \[([^\]]+)\])?$/;

export interface Cohort {
  ids: string[];
  outcome: Float64Array;
  /** System name → one value per patient (NaN: not available for that patient). */
  systems: Record<string, Float64Array>;
  /** Per system, patients whose value was missing or only partly computable. */
  missing: Record<string, number>;
}

/** The fusion model applied to the table's feature columns; `cardFile` names the card in errors. */
export interface CohortModel {
  cardJson: unknown;
  bytes: Uint8Array;
  cardFile: string;
}

/**
 * Reads a cohort: the outcome column (1 = SAP, spelled as OUTCOME_SPELLINGS lists), the model's probability
 * (a `probability` column, or the model applied to its feature columns, every one of which must be present),
 * classic scores given as columns or computed from clinical columns named by their clinical.json path
 * (`admission.urea`, `h48.calcium`, `ct.balthazarGrade`, ...). Other columns (studyId, manifestVersion,
 * riskLevel of a batch's features.csv) are ignored. Numeric cells that are empty or NA are missing.
 */
export function readCohort(
  table: CsvTable,
  options: { file: string; outcome: string; model?: CohortModel },
): Cohort {
  const { file, outcome: outcomeColumn } = options;
  const { rows, columns } = table;
  if (!columns.includes(outcomeColumn))
    throw new TableInputError(
      `${file} has no outcome column "${outcomeColumn}"` +
        (outcomeColumn === DEFAULT_OUTCOME_COLUMN ? ' (the default; name yours with --outcome)' : '') +
        `. Its columns: ${columns.join(', ')}`,
    );
  if (rows.length === 0) throw new TableInputError(`${file} has a header but no patient rows`);
  const n = rows.length;
  const outcome = Float64Array.from(rows, (r, i) => {
    const v = r[outcomeColumn];
    const label = parseOutcomeText(v);
    if (label === undefined)
      throw new TableInputError(
        `${file}, row ${rowNumber(i)}: ${outcomeColumn} must be ${OUTCOME_SPELLINGS}; got ${JSON.stringify(v)}`,
      );
    return label;
  });
  const events = outcome.filter((y) => y === 1).length;
  if (events === 0 || events === n)
    throw new TableInputError(
      `${file}: all ${n} patients have ${outcomeColumn} = ${events === 0 ? 0 : 1}; ` +
        'an evaluation needs patients with and without SAP',
    );
  const systems: Record<string, Float64Array> = {};
  const missing: Record<string, number> = {};
  const numeric = (column: string) =>
    Float64Array.from(rows, (r, i) => numericCell(r[column], file, i, column) ?? Number.NaN);
  if (options.model) {
    const { card, model } = loadFusionModel(options.model.cardJson, options.model.bytes);
    requireModelColumns(table, model.featureNames, file, options.model.cardFile);
    const matrix = new Float64Array(n * model.numFeature);
    rows.forEach((r, i) =>
      matrix.set(rowFromRecord(model, modelInputs(r, model.featureNames, file, i)), i * model.numFeature),
    );
    systems[`${card.name} ${card.version}`] = predictBatch(model, matrix);
  } else if (columns.includes('probability')) {
    systems.model = numeric('probability');
    const outside = systems.model.findIndex((p) => p < 0 || p > 1);
    if (outside >= 0)
      throw new TableInputError(
        `${file}, row ${rowNumber(outside)}, column probability: ${systems.model[outside]} is not a probability (0 to 1)`,
      );
  }
  const clinicalColumns = columns.filter((c) => CLINICAL_COLUMN.test(c));
  for (const score of COMPARED_SCORES) {
    // A score the table names, as a column or through clinical columns, is reported even when no patient has
    // it (as "not estimable"); a score it cannot name is left out.
    if (!columns.includes(score) && clinicalColumns.length === 0) continue;
    const values = columns.includes(score)
      ? numeric(score)
      : Float64Array.from(rows, (r) => fromClinical(r, clinicalColumns, score));
    systems[score] = values;
  }
  for (const [name, values] of Object.entries(systems)) missing[name] = values.filter(Number.isNaN).length;
  return { ids: rows.map((r, i) => r.studyId ?? String(i + 1)), outcome, systems, missing };
}

function fromClinical(row: Record<string, string | null>, columns: string[], score: ComparedScore): number {
  if (columns.length === 0) return Number.NaN;
  const document: Record<string, Record<string, unknown>> = { admission: {}, h48: {}, ct: {}, outcome: {} };
  for (const column of columns) {
    const [, section, field, unit] = CLINICAL_COLUMN.exec(column)!;
    const raw = row[column];
    if (raw === null || raw === undefined || raw === MISSING_CELL) continue;
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
