import { bottomAxis, linearScale } from './axis';
import { footnote, header, MARGIN_X } from './frame';
import { compact, fixed, plural, precise } from './format';
import { COLORS, FONT, WIDTH } from './style';
import { el, svgDocument, textEl, textWidth, truncate } from './svg';

export type ImportanceType = 'gain' | 'weight' | 'cover' | 'total_gain' | 'total_cover';

export interface ImportanceInput {
  title: string;
  importanceType: ImportanceType;
  /** Feature name → importance (as XGBoost's get_score returns it). */
  values: Record<string, number>;
  /** Bars drawn (default 20); the others are counted in a note below the bars. */
  topN?: number;
  /** Plain-words names for features, e.g. { pleural_effusion: 'Pleural effusion' }. */
  labels?: Record<string, string>;
  footnote?: string;
}

export const IMPORTANCE_MEANING: Record<ImportanceType, string> = {
  gain: 'average gain (loss reduction) of the splits that use the feature',
  weight: 'number of splits that use the feature, over all trees',
  cover: 'average number of training samples (hessian weight) reaching the splits that use the feature',
  total_gain: 'total gain (loss reduction) of all splits that use the feature',
  total_cover: 'total number of training samples (hessian weight) reaching the splits that use the feature',
};

/** Sums of these are meaningful, so bars can also show a share of the total. */
const ADDITIVE: ReadonlySet<ImportanceType> = new Set(['weight', 'total_gain', 'total_cover']);

const LABEL_RIGHT = 300;
const PLOT_LEFT = 318;
const PLOT_RIGHT = 740;
const ROW_H = 24;
const BAR_H = 15;
const LABEL_CHARS = Math.floor((LABEL_RIGHT - MARGIN_X) / (FONT.body * 0.58));

/** A horizontal bar chart of a model's global feature importance, largest first, as a self-contained SVG. */
export function importanceBarSvg(input: ImportanceInput): string {
  const { importanceType: type, values } = input;
  if (!(type in IMPORTANCE_MEANING)) throw new RangeError(`unknown importance type: ${String(type)}`);
  const entries = Object.entries(values);
  for (const [k, v] of entries) {
    if (!Number.isFinite(v) || v < 0)
      throw new RangeError(`importance of ${JSON.stringify(k)} is not a finite number ≥ 0`);
  }
  const topN = Math.max(1, Math.floor(input.topN ?? 20));
  entries.sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const shown = entries.slice(0, topN);
  const rest = entries.slice(topN);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  const additive = ADDITIVE.has(type);
  const labelOf = (k: string) => {
    const l = input.labels && Object.hasOwn(input.labels, k) ? input.labels[k]?.trim() : undefined;
    return l || k;
  };

  const head = header(
    input.title,
    `Global feature importance of the model, type "${type}": ${IMPORTANCE_MEANING[type]}. ` +
      `Longer bars = features the model relies on more (not the direction of their effect).`,
  );
  const out = [...head.markup];
  const rowsTop = head.bottom + 6;
  const max = shown[0]?.[1] ?? 0;
  const x = linearScale(0, max > 0 ? max * 1.08 : 1, PLOT_LEFT, PLOT_RIGHT);
  const axisY = rowsTop + ROW_H * Math.max(1, shown.length) + 6;
  const axis = bottomAxis(x, axisY, rowsTop, `Importance (${type})`);
  out.push(...axis.markup);

  if (shown.length === 0) {
    out.push(
      textEl(
        'text',
        { x: PLOT_LEFT + 8, y: rowsTop + 16, 'font-size': FONT.body, fill: COLORS.muted },
        'No features with importance values.',
      ),
    );
  }
  shown.forEach(([key, v], i) => {
    const y = rowsTop + ROW_H * i + ROW_H / 2;
    const name = labelOf(key);
    const share = additive && total > 0 ? ` (${fixed((100 * v) / total, 1)}%)` : '';
    const valueText = compact(v) + share;
    const x1 = x(v);
    const w = textWidth(valueText, FONT.small);
    const inside = x1 + 4 + w > WIDTH - 6;
    out.push(
      el('g', { class: 'row' }, [
        textEl('title', {}, `${name === key ? key : `${name} (${key})`}: ${precise(v)}${share}`),
        textEl(
          'text',
          {
            x: LABEL_RIGHT,
            y: y + 4.5,
            'text-anchor': 'end',
            'font-size': FONT.body,
            fill: COLORS.text,
            class: 'feature-name',
          },
          truncate(name, LABEL_CHARS),
        ),
        el('rect', {
          class: 'bar',
          x: PLOT_LEFT,
          y: y - BAR_H / 2,
          width: Math.max(0, x1 - PLOT_LEFT),
          height: BAR_H,
          fill: COLORS.bar,
          'data-x1': x1,
        }),
        textEl(
          'text',
          inside
            ? {
                x: x1 - 4,
                y: y + 4,
                'text-anchor': 'end',
                'font-size': FONT.small,
                fill: '#ffffff',
                class: 'value',
              }
            : { x: x1 + 4, y: y + 4, 'font-size': FONT.small, fill: COLORS.text, class: 'value' },
          valueText,
        ),
      ]),
    );
  });

  let bottom = axis.bottom;
  if (rest.length > 0) {
    const restSum = rest.reduce((s, [, v]) => s + v, 0);
    const share =
      additive && total > 0 ? `, together ${fixed((100 * restSum) / total, 1)}% of the total` : '';
    bottom += 18;
    out.push(
      textEl(
        'text',
        {
          x: MARGIN_X,
          y: bottom,
          'font-size': FONT.small,
          'font-style': 'italic',
          fill: COLORS.muted,
          class: 'others',
        },
        `${plural(rest.length, 'other feature', 'other features')} not shown (each at most ${compact(shown[shown.length - 1]?.[1] ?? 0)}${share}).`,
      ),
    );
  }
  const foot = footnote(input.footnote, bottom + 2);
  out.push(...foot.markup);
  const desc =
    `Bar chart of feature importance (${type}). ` +
    (shown.length
      ? `Top features: ${shown
          .slice(0, 5)
          .map(([k, v]) => `${labelOf(k)} ${precise(v)}`)
          .join(', ')}.`
      : 'No features.');
  return svgDocument(WIDTH, Math.ceil(foot.bottom + 14), input.title, desc, out);
}
