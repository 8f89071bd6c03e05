import type { CsvTable } from '../../core/batch/csv';

/** A cohort or feature table that cannot be used as it is: which file, which row or column, what was expected. */
export class TableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TABLE_INVALID';
  }
}

/** R's `write.csv` writes a missing value as NA; an empty cell is missing too. */
export const MISSING_CELL = 'NA';

/** The row number a reader sees in a spreadsheet: the header is row 1. */
export const rowNumber = (index: number) => index + 2;

/** A numeric cell: empty or NA is missing (null); anything else that is not a number is refused. */
export function numericCell(cell: string | null | undefined, file: string, index: number, column: string) {
  if (cell === null || cell === undefined || cell === MISSING_CELL) return null;
  const value = Number(cell);
  if (!Number.isFinite(value))
    throw new TableInputError(
      `${file}, row ${rowNumber(index)}, column ${column}: ${JSON.stringify(cell)} is not a number ` +
        `(a missing value is an empty cell or ${MISSING_CELL})`,
    );
  return value;
}

/**
 * Refuses a table without a column the model reads: an absent column would otherwise be "missing for every
 * patient" and give other probabilities without a word. Names each absent input, the file, the card and
 * the card's inputs, with a near miss among the table's other columns where there is one.
 */
export function requireModelColumns(
  table: CsvTable,
  inputs: readonly string[],
  file: string,
  card: string,
): void {
  const absent = inputs.filter((name) => !table.columns.includes(name));
  if (absent.length === 0) return;
  const others = table.columns.filter((column) => !inputs.includes(column));
  const named = absent.map((name) => {
    const near = others.find((column) => isNearMiss(column, name));
    return near ? `${name} (did you mean the column "${near}"?)` : name;
  });
  throw new TableInputError(
    `${file} has no column for ${absent.length === 1 ? 'the input' : 'the inputs'} ${named.join(', ')} ` +
      `that the model card ${card} needs. Its inputs: ${inputs.join(', ')}. ` +
      `Give every input a column; leave a cell empty (or ${MISSING_CELL}) where a patient lacks the value.`,
  );
}

/** The model's inputs of one row, by name, missing as null; the other columns are not the model's. */
export function modelInputs(
  row: Record<string, string | null>,
  inputs: readonly string[],
  file: string,
  index: number,
): Record<string, number | null> {
  return Object.fromEntries(inputs.map((name) => [name, numericCell(row[name], file, index, name)]));
}

/**
 * The same name but for case and punctuation (`DL_Probability`), a shortening of it (`dl_prob`), or a typing
 * slip: one edit off, two for names of six letters or more.
 */
function isNearMiss(column: string, name: string): boolean {
  const loose = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const [a, b] = [loose(column), loose(name)].sort((x, y) => x.length - y.length) as [string, string];
  if (a === b || (a.length >= 4 && b.startsWith(a))) return true;
  return editDistance(a, b) <= (name.length >= 6 ? 2 : 1);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}
