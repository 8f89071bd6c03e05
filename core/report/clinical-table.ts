import { precise } from '../charts/format';
import { fieldsOf, type NormalisedClinical } from '../ingest/clinical/catalogue';
import type { FieldSpec, Section } from '../ingest/clinical/field-spec';
import { escapeHtml, htmlTable } from './html';

/** What the report shows of the record: the admission and 48 h values and the radiologist's CT read. */
const SECTIONS: readonly [Section, string][] = [
  ['admission', 'Admission (worst within 24 h)'],
  ['h48', 'Within 48 h'],
  ['ct', 'CT findings (radiologist)'],
];

/**
 * The clinical values the scores and the model read, with their units. Only fields of the catalogue are
 * shown, as typed values: `extra` (fields the schema does not know, kept as sent) is never rendered, so
 * free text a hospital put there, a name included, cannot reach the report.
 */
export function clinicalSection(clinical: NormalisedClinical): string {
  const tables = SECTIONS.flatMap(([section, title]) => {
    const values = clinical[section] as Record<string, unknown>;
    const rows = fieldsOf(section)
      .filter(([name]) => values[name] !== undefined)
      .map(([name, spec]) => [escapeHtml(label(spec)), escapeHtml(shown(values[name], spec))]);
    if (rows.length === 0) return [];
    return [`<h3>${escapeHtml(title)}</h3>\n${htmlTable(['value', 'reading'], rows, 'clinical')}`];
  });
  return `<section id="clinical"><h2>Clinical values</h2>
${tables.length > 0 ? tables.join('\n') : '<p>No clinical values were sent.</p>'}
</section>`;
}

/** "White cell count." → "White cell count"; "Haematocrit; in h48 send …" → "Haematocrit". */
function label(spec: FieldSpec): string {
  return spec.description.split(/[.;:(]/)[0]!.trim();
}

function shown(value: unknown, spec: FieldSpec): string {
  if (spec.kind === 'flag') return value === true ? 'yes' : 'no';
  if (spec.kind === 'choice') return String(value);
  if (typeof value !== 'number') return '–';
  const unit = spec.unit.unit;
  return unit === '%' ? `${precise(value)} %` : `${precise(value)} ${unit}`;
}
