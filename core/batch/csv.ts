import { parse } from 'csv-parse/sync';

/** A field that must be quoted (RFC 4180 §2.6): it holds a comma, a double quote or a line break. */
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: quoted where RFC 4180 requires it, with its double quotes doubled (§2.7). */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Records as RFC 4180 text: fields separated by commas, every record ended by CRLF (§2.1–2.2). */
export function csvText(records: readonly (readonly string[])[]): string {
  return records.map((fields) => fields.map(csvField).join(',') + '\r\n').join('');
}

/** A CSV table as read: its header and one record per data row, empty cells as null. */
export interface CsvTable {
  columns: string[];
  rows: Record<string, string | null>[];
}

/** A CSV that cannot be read as a table: which file, which line, what was expected. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CSV_INVALID';
  }
}

/**
 * A CSV with a header row, as spreadsheets and R's `write.csv` write it: quoted fields (with commas, quotes
 * or line breaks inside), a UTF-8 byte order mark, CRLF or LF line ends. Cells are trimmed; empty cells are
 * null. A row with another number of fields than the header, or a repeated column name, is refused.
 */
export function readCsvTable(text: string, file: string): CsvTable {
  let records: string[][];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    throw new CsvError(`${file}: ${(error as Error).message}`);
  }
  const [columns, ...data] = records;
  if (!columns) throw new CsvError(`${file}: empty; expected a header row and one row per patient`);
  const repeated = columns.filter((name, n) => columns.indexOf(name) !== n);
  if (repeated.length > 0)
    throw new CsvError(`${file}: column ${JSON.stringify(repeated[0])} appears more than once in the header`);
  const rows = data.map((cells) => Object.fromEntries(columns.map((name, n) => [name, cells[n] || null])));
  return { columns, rows };
}
