import { COMPARED_SCORES } from '../scores/compared';
import { MixedBatchError } from './batch-identity';
import { csvText } from './csv';
import type { BatchOutcome } from './outcome';

type CompletedOutcome = Extract<BatchOutcome, { status: 'COMPLETED' }>;

export interface TrainingTable {
  /**
   * studyId, manifestVersion, the model's inputs in its card's order, the classic scores `sap evaluate`
   * compares with (COMPARED_SCORES), then probability and riskLevel in a scored batch.
   */
  columns: string[];
  /** One row per completed study, by studyId; null where the study lacks the value. */
  rows: (string | number | null)[][];
}

/** Ordinal, not locale, order: the same table on every machine. */
const byStudyId = (a: CompletedOutcome, b: CompletedOutcome) =>
  a.studyId < b.studyId ? -1 : a.studyId > b.studyId ? 1 : 0;

/**
 * The batch's training table: each completed study's fusion input vector with its ids. Fuse writes the
 * vector in the model card's order, so the first outcome gives the columns; every other must list the same
 * inputs in the same order (one model per batch).
 */
export function trainingTable(outcomes: readonly BatchOutcome[]): TrainingTable {
  const completed = outcomes.filter((o): o is CompletedOutcome => o.status === 'COMPLETED').sort(byStudyId);
  const features = completed[0] ? Object.keys(completed[0].features) : [];
  for (const outcome of completed) {
    const names = Object.keys(outcome.features);
    if (names.length !== features.length || names.some((name, n) => name !== features[n]))
      throw new MixedBatchError(
        `study ${outcome.studyId} has other model inputs than study ${completed[0]!.studyId}: one fusion model per batch`,
      );
  }
  // Outcomes written before Fuse recorded the classic scores have none: their cells stay empty.
  const scores = completed.some((o) => o.classicScores !== undefined) ? COMPARED_SCORES : [];
  const clash = scores.find((name) => features.includes(name));
  if (clash !== undefined)
    throw new Error(
      `the model input ${JSON.stringify(clash)} has the name of a classic-score column: rename it in the model card`,
    );
  const scored = completed.some((o) => o.probability !== undefined);
  return {
    columns: [
      'studyId',
      'manifestVersion',
      ...features,
      ...scores,
      ...(scored ? ['probability', 'riskLevel'] : []),
    ],
    rows: completed.map((o) => [
      o.studyId,
      o.manifestVersion,
      ...features.map((name) => o.features[name] ?? null),
      ...scores.map((name) => o.classicScores?.[name] ?? null),
      ...(scored ? [o.probability ?? null, o.riskLevel ?? null] : []),
    ]),
  };
}

/**
 * The table as RFC 4180 CSV with a header row. Numbers are written in JavaScript's shortest round-trip
 * form, so a reader gets back exactly the doubles Fuse used; a missing value is an empty field.
 */
export function trainingTableCsv(table: TrainingTable): string {
  return csvText([
    table.columns,
    ...table.rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell)))),
  ]);
}
