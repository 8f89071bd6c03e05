import { escapeXml } from '../charts/svg';

/**
 * Building blocks of the project's HTML files (the study report, the evaluation report): one file that
 * opens without a server, everything inline, nothing fetched.
 */

/** Text and attribute escaping: the charts' XML rules, which are also HTML's. */
export const escapeHtml = escapeXml;

/** The look both reports share. */
export const PAGE_STYLE =
  'body{font-family:Helvetica,Arial,sans-serif;max-width:860px;margin:24px auto;color:#212121}' +
  'table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}' +
  'figure{margin:16px 0}footer{margin-top:24px;font-size:12px;color:#616161}';

/**
 * No scripts, no fetches, no fonts: only inline styles and data: images. The browser enforces what the
 * page promises, even if some text ever slipped through unescaped.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** The closing line of every study report. */
export const REPORT_FOOTER =
  '<footer>This report carries no patient identifiers: the hospital links the study id to its patient. Made by sap-pipeline.</footer>';

export interface HtmlPage {
  title: string;
  /** Markup of the body, already escaped. */
  body: string;
  /** CSS added after PAGE_STYLE. */
  style?: string;
}

export function htmlPage({ title, body, style = '' }: HtmlPage): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}${style}</style>
</head><body>
${body}
</body></html>
`;
}

/** A table whose cells are markup (escape text before); header cells are plain text. */
export function htmlTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  cls?: string,
): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${escapeHtml(cls)}"` : ''}><thead><tr>${th}</tr></thead>\n<tbody>${body}</tbody></table>`;
}

/** Label → value rows without a header (the study's identity and models); values are plain text. */
export function keyValueTable(rows: readonly (readonly [string, string])[], cls?: string): string {
  const body = rows
    .map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  return `<table${cls ? ` class="${escapeHtml(cls)}"` : ''}><tbody>${body}</tbody></table>`;
}
