import { CLINICAL_FIELDS, CONVERSIONS, SECTIONS, UNITS } from '../ingest/clinical';
import type { StudyFailure } from '../pipeline/failure';
import { escapeHtml, htmlPage, keyValueTable, REPORT_FOOTER } from './html';

export interface FailureReportInput {
  studyId: string;
  failure: StudyFailure;
  /** When the failure was recorded (ISO 8601). */
  failedAt: string;
}

/** The short report of a study that produced no result: where it stopped and why. */
export function failureReportHtml({ studyId, failure, failedAt }: FailureReportInput): string {
  const lines = failure.message
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `<li>${escapeHtml(withoutUploadedText(line))}</li>`)
    .join('\n');
  const rows: [string, string][] = [
    ['Study', studyId],
    ['Status', 'FAILED'],
    ['Failed at', failedAt],
    ['Stage', failure.stage],
    ['Code', failure.code],
  ];
  const body = `<h1>Severe acute pancreatitis: study report</h1>
${keyValueTable(rows, 'study')}
<section id="errors"><h2>No result: the study failed</h2>
<p>No probability was computed for this study. What stopped it:</p>
<ul>${lines}</ul>
<p>Text quoted from the upload is shown as "…" here; the results API returns the full message.</p>
</section>
${REPORT_FOOTER}`;
  return htmlPage({ title: `SAP risk report: study ${studyId} (failed)`, body });
}

/** Words of the upload contract a message may quote: field and section names, units, choice options. */
const CONTRACT_WORDS = new Set<string>([
  ...SECTIONS,
  'schemaVersion',
  'value',
  'unit',
  ...Object.keys(CLINICAL_FIELDS),
  ...Object.values(CLINICAL_FIELDS).flatMap((spec) => (spec.kind === 'choice' ? spec.options : [])),
  ...[...Object.values(UNITS), ...Object.values(CONVERSIONS)].flatMap((u) => [
    u.unit,
    ...('aliases' in u ? u.aliases : []),
  ]),
]);

/**
 * A failure message without text of the upload: validation messages quote what was sent ('got string
 * "…"') and name uploaded files, either of which could hold a patient's name. Quoted words of the upload
 * contract stay; other quoted text and image file names become "…".
 */
export function withoutUploadedText(message: string): string {
  return message
    .replace(/"([^"\n]*)"/g, (quoted, text: string) => (CONTRACT_WORDS.has(text) ? quoted : '"…"'))
    .replace(/\bimage\/[^\s:,;]+/g, 'image/…');
}
