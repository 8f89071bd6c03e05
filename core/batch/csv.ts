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
