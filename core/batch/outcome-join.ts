import type { CsvTable } from './csv';

/** How many ids a refusal names: enough to find the pattern, few enough to read. */
const EXAMPLES = 5;

/** A features table and an outcome file that cannot be joined: every problem, by count, with example ids. */
export class OutcomeJoinError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'OUTCOME_JOIN_INVALID';
  }
}

export interface JoinOptions {
  /** The id column both files share. */
  id: string;
  /** The outcome column of the outcome file: 1 = SAP, 0 = not. */
  outcome: string;
  /** File names for the messages. */
  featuresFile: string;
  outcomesFile: string;
}

export interface JoinedTable {
  /** The features table's columns, then the outcome column. */
  columns: string[];
  /** One row per features row, in its order, with the outcome ('0' or '1') last. */
  rows: (string | null)[][];
  /** Ids of the outcome file that have no features row (studies the batch did not complete): left out. */
  outcomesWithoutFeatures: string[];
}

/**
 * The batch's features table with the hospital's outcome column joined by id. Refused, with counts and
 * example ids (never values): a missing id or outcome column, an empty or repeated id, a features row
 * without an outcome, an outcome other than 0 or 1. Outcome rows without a features row are left out and
 * reported: the batch may not have completed every study.
 */
export function joinOutcomes(features: CsvTable, outcomes: CsvTable, options: JoinOptions): JoinedTable {
  const { id, outcome, featuresFile, outcomesFile } = options;
  const columnProblems = [
    ...(features.columns.includes(id) ? [] : [`${featuresFile} has no ${id} column`]),
    ...(outcomes.columns.includes(id) ? [] : [`${outcomesFile} has no ${id} column`]),
    ...(outcomes.columns.includes(outcome)
      ? []
      : [`${outcomesFile} has no ${outcome} column (choose the outcome column with --outcome)`]),
    ...(features.columns.includes(outcome)
      ? [`${featuresFile} already has a ${outcome} column: the outcome would be there twice`]
      : []),
  ];
  if (columnProblems.length > 0) throw new OutcomeJoinError(columnProblems);

  const problems = [...idProblems(features, id, featuresFile), ...idProblems(outcomes, id, outcomesFile)];
  const labels = new Map<string, string | null>();
  for (const row of outcomes.rows) if (row[id]) labels.set(row[id], row[outcome] ?? null);
  const unmatched = features.rows
    .map((row) => row[id])
    .filter((key): key is string => !!key && !labels.has(key));
  if (unmatched.length > 0)
    problems.push(
      `${count(unmatched.length, 'row')} of ${featuresFile} ${unmatched.length === 1 ? 'has' : 'have'} no ${id} in ${outcomesFile}${examples(unmatched)}`,
    );
  const notBinary = outcomes.rows
    .filter((row) => row[id] && row[outcome] !== '0' && row[outcome] !== '1')
    .map((row) => row[id]!);
  if (notBinary.length > 0)
    problems.push(
      `${count(notBinary.length, 'row')} of ${outcomesFile} ${notBinary.length === 1 ? 'has' : 'have'} ${outcome} other than 0 or 1 (empty included)${examples(notBinary)}`,
    );
  if (problems.length > 0) throw new OutcomeJoinError(problems);

  const featureIds = new Set(features.rows.map((row) => row[id]));
  return {
    columns: [...features.columns, outcome],
    rows: features.rows.map((row) => [...features.columns.map((c) => row[c] ?? null), labels.get(row[id]!)!]),
    outcomesWithoutFeatures: [...labels.keys()].filter((key) => !featureIds.has(key)),
  };
}

function idProblems(table: CsvTable, id: string, file: string): string[] {
  const problems: string[] = [];
  const empty = table.rows.filter((row) => !row[id]).length;
  if (empty > 0)
    problems.push(`${count(empty, 'row')} of ${file} ${empty === 1 ? 'has' : 'have'} an empty ${id}`);
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const row of table.rows) {
    const key = row[id];
    if (!key) continue;
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  if (repeated.size > 0)
    problems.push(
      `${count(repeated.size, id)} of ${file} ${repeated.size === 1 ? 'appears' : 'appear'} more than once${examples([...repeated])}`,
    );
  return problems;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
/** Up to EXAMPLES ids, as ": a, b, c, … (n more)". */
const examples = (ids: readonly string[]) =>
  `: ${ids.slice(0, EXAMPLES).join(', ')}${ids.length > EXAMPLES ? `, … (${ids.length - EXAMPLES} more)` : ''}`;
