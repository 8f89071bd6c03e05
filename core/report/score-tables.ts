import { precise } from '../charts/format';
import type { ClassicScores, ScoreInput, ScoreItem, ScoreResult } from '../scores';
import { escapeHtml, htmlTable } from './html';

/**
 * The classic scores beside the model, with every item's points and what was missing. The revised Atlanta
 * class is left out: it is the outcome the model predicts, never shown beside the prediction.
 */
const SHOWN: readonly (keyof Omit<ClassicScores, 'atlanta'>)[] = [
  'bisap',
  'ranson',
  'mctsi',
  'sirs',
  'ctsi',
  'glasgowImrie',
  'marshall',
  'apacheII',
];

export function scoresSection(scores: ClassicScores): string {
  const results = SHOWN.map((key) => scores[key] as ScoreResult);
  const summary = htmlTable(
    ['score', 'points', 'interpretation', 'cut-off', 'missing inputs'],
    results.map((s) => [
      `<strong>${escapeHtml(s.name)}</strong>`,
      escapeHtml(points(s)),
      escapeHtml(s.interpretation ?? '–'),
      s.cutOff ? escapeHtml(`${s.cutOff.rule}: ${met(s.cutOff.met)}`) : '–',
      s.missing.length > 0 ? escapeHtml(s.missing.join(', ')) : 'none',
    ]),
    'scores',
  );
  const details = results.map((s) => {
    const rows = s.items.map((item) => [
      escapeHtml(item.item),
      escapeHtml(inputText(item.input)),
      escapeHtml(itemPoints(item)),
      escapeHtml(item.rule),
    ]);
    return `<details class="score-items" open><summary>${escapeHtml(s.name)}: ${escapeHtml(points(s))}</summary>
${htmlTable(['item', 'value', 'points', 'criterion'], rows)}</details>`;
  });
  return `<section id="scores"><h2>Classic scores</h2>
<p>A missing input never counts as 0 points: a score with missing inputs is a lower bound, shown with the most it could reach.</p>
${summary}
${details.join('\n')}
</section>`;
}

function points(s: ScoreResult): string {
  const max = s.max === undefined ? '' : ` / ${s.max}`;
  return s.partial ? `≥ ${s.value}${max} (up to ${s.upperBound}; inputs missing)` : `${s.value}${max}`;
}

function met(value: boolean | undefined): string {
  if (value === undefined) return 'open (inputs missing)';
  return value ? 'met' : 'not met';
}

function itemPoints(item: ScoreItem): string {
  if (item.points === null)
    return `missing (${item.missing?.join(', ') ?? 'input'}; up to ${item.upTo ?? '?'})`;
  return item.upTo === undefined ? String(item.points) : `≥ ${item.points} (up to ${item.upTo})`;
}

function inputText(input: ScoreInput | undefined): string {
  if (!input) return '–';
  const value =
    typeof input.value === 'number'
      ? precise(input.value, 4)
      : typeof input.value === 'boolean'
        ? input.value
          ? 'yes'
          : 'no'
        : input.value;
  return `${input.field} = ${value}${input.unit ? ` ${input.unit}` : ''}`;
}
