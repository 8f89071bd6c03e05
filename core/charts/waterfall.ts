import { bottomAxis, linearScale, pad } from './axis';
import { arrowPoints, footnote, header, legend, MARGIN_X } from './frame';
import { fixed, precise, probability, sigmoid, signed } from './format';
import { COLORS, FONT, WIDTH } from './style';
import { el, px, svgDocument, textEl, textWidth, truncate } from './svg';
import { waterfallRows } from './waterfall-rows';
import type { WaterfallInput, WaterfallRow } from './waterfall-rows';

export type { WaterfallContribution, WaterfallInput, WaterfallRow } from './waterfall-rows';

const LABEL_RIGHT = 300;
const PLOT_LEFT = 318;
const PLOT_RIGHT = 770;
const ROW_H = 28;
const BAR_H = 18;
/** Characters that fit in the label column (name plus " = value"). */
const LABEL_CHARS = Math.floor((LABEL_RIGHT - MARGIN_X) / (FONT.body * 0.58));

function colorOf(shap: number, kind: WaterfallRow['kind']): string {
  if (kind === 'remainder' || shap === 0) return COLORS.neutral;
  return shap > 0 ? COLORS.increase : COLORS.decrease;
}

/** Feature name (truncated with an ellipsis if needed) and its value, right-aligned in the label column. */
function rowLabel(row: WaterfallRow, y: number): string {
  const value = row.valueText === undefined ? '' : `= ${truncate(row.valueText, 18)}`;
  const name = truncate(row.name, Math.max(12, LABEL_CHARS - 1 - value.length));
  const style = row.kind === 'feature' ? {} : { 'font-style': 'italic' };
  return el('text', { x: LABEL_RIGHT, y: y + 4.5, 'text-anchor': 'end', 'font-size': FONT.body, ...style }, [
    textEl('tspan', { fill: COLORS.text, class: 'feature-name' }, name),
    value ? textEl('tspan', { dx: 4, fill: COLORS.muted }, value) : '',
  ]);
}

/** Where the "+0.42" label goes: beyond the arrow tip if it fits, else inside the bar, else behind its start. */
function contributionLabel(text: string, x0: number, x1: number, y: number, color: string): string {
  const w = textWidth(text, FONT.small);
  const up = x1 >= x0;
  const base = { y: y + 4, 'font-size': FONT.small, class: 'contribution' };
  const tipX = up ? x1 + 4 : x1 - 4;
  if (up ? tipX + w <= WIDTH - 6 : tipX - w >= PLOT_LEFT - 4) {
    return textEl('text', { ...base, x: tipX, 'text-anchor': up ? 'start' : 'end', fill: color }, text);
  }
  if (Math.abs(x1 - x0) >= w + 14) {
    const x = up ? x1 - 9 : x1 + 9;
    return textEl(
      'text',
      { ...base, x, 'text-anchor': up ? 'end' : 'start', fill: '#ffffff', 'font-weight': 'bold' },
      text,
    );
  }
  const x = up ? x0 - 4 : x0 + 4;
  return textEl('text', { ...base, x, 'text-anchor': up ? 'end' : 'start', fill: color }, text);
}

/** Text at a marker (base value, prediction), right of it when it fits, else left of it. */
function markerText(x: number, y: number, text: string, bold: boolean, cls: string): string {
  const w = textWidth(text, FONT.body) * (bold ? 1.08 : 1);
  const right = x + 9 + w <= WIDTH - 6;
  return textEl(
    'text',
    {
      x: right ? x + 9 : x - 9,
      y: y + 4.5,
      'text-anchor': right ? 'start' : 'end',
      'font-size': FONT.body,
      'font-weight': bold ? 'bold' : undefined,
      fill: COLORS.text,
      class: cls,
    },
    text,
  );
}

function diamond(x: number, y: number, r: number, fill: string, cls: string): string {
  const pts: [number, number][] = [
    [x, y - r],
    [x + r, y],
    [x, y + r],
    [x - r, y],
  ];
  return el('polygon', { points: pts.map(([a, b]) => `${px(a)},${px(b)}`).join(' '), fill, class: cls });
}

/**
 * A SHAP waterfall chart as a self-contained SVG document: from the base value, one arrow-shaped bar
 * per feature (largest |SHAP| first, the rest folded into one bar), to the prediction.
 */
export function shapWaterfallSvg(input: WaterfallInput): string {
  const rows = waterfallRows(input);
  const logit = input.scale === 'log-odds';
  const unit = logit ? 'log-odds' : 'raw score';
  const outcome = input.outcome ?? 'SAP';
  const { baseValue } = input;
  const margin = input.prediction.margin;
  const prob = input.prediction.probability ?? (logit ? sigmoid(margin) : undefined);
  const title = input.title ?? `Why this prediction? Feature contributions (SHAP)`;

  const points = [baseValue, margin, ...rows.map((r) => r.end)];
  const [d0, d1] = pad(Math.min(...points), Math.max(...points), 0.12);
  const x = linearScale(d0, d1, PLOT_LEFT, PLOT_RIGHT);

  const head = header(
    title,
    `Each bar shows how much one feature moved the model output (${unit}) for this patient, starting from the ` +
      `base value (the average output) and ending at the prediction. Largest effects first.`,
  );
  const out = [...head.markup];
  const legendY = head.bottom + 12;
  out.push(
    legend(
      [
        { kind: 'up', color: COLORS.increase, label: 'raises risk (+), red, points right' },
        { kind: 'down', color: COLORS.decrease, label: 'lowers risk (\u2212), blue, points left' },
        { kind: 'dash', color: COLORS.marker, label: 'base value / prediction' },
      ],
      legendY,
    ),
  );

  const rowsTop = legendY + 12;
  const rowY = (i: number) => rowsTop + ROW_H * i + ROW_H / 2; // i = 0: base row; rows 1..n; n + 1: prediction
  const n = rows.length;
  const axisY = rowsTop + ROW_H * (n + 2) + 4;
  const xBase = x(baseValue);
  const xFinal = x(margin);
  const axisProb = logit ? (v: number) => `P ${probability(sigmoid(v))}` : undefined;
  const axis = bottomAxis(
    x,
    axisY,
    rowsTop,
    logit ? 'Model output, log-odds (below: probability)' : 'Model output (raw score)',
    axisProb,
  );
  out.push(...axis.markup);

  // Base value and prediction: dashed lines over the whole plot, a diamond and a label on their own rows.
  const dash = { stroke: COLORS.marker, 'stroke-width': 1, 'stroke-dasharray': '4 3' };
  out.push(el('line', { x1: xBase, x2: xBase, y1: rowY(0), y2: axisY, ...dash, class: 'base-marker' }));
  out.push(
    el('line', {
      x1: xFinal,
      x2: xFinal,
      y1: rowY(1) - ROW_H / 2,
      y2: axisY,
      ...dash,
      class: 'final-marker',
    }),
  );

  const baseText = `${fixed(baseValue, 2)} ${logit ? `log-odds (P = ${probability(sigmoid(baseValue))})` : ''}`;
  out.push(
    el('g', { class: 'base-row' }, [
      textEl('title', {}, `Base value (average model output): ${precise(baseValue)} ${unit}`),
      textEl(
        'text',
        { x: LABEL_RIGHT, y: rowY(0) + 4.5, 'text-anchor': 'end', 'font-size': FONT.body, fill: COLORS.text },
        'Base value (average)',
      ),
      diamond(xBase, rowY(0), 5, COLORS.marker, 'base-point'),
      markerText(xBase, rowY(0), baseText.trim(), false, 'base-value'),
    ]),
  );

  rows.forEach((r, i) => {
    const y = rowY(i + 1);
    const x0 = x(r.start);
    const x1 = x(r.end);
    const color = colorOf(r.shap, r.kind);
    const g: string[] = [textEl('title', {}, r.tooltip), rowLabel(r, y)];
    const barAttrs = { class: 'bar', 'data-x0': x0, 'data-x1': x1, 'data-shap': String(r.shap) };
    if (x0 === x1) {
      g.push(
        el('line', {
          ...barAttrs,
          x1: x0,
          x2: x0,
          y1: y - BAR_H / 2,
          y2: y + BAR_H / 2,
          stroke: color,
          'stroke-width': 2,
        }),
      );
    } else {
      g.push(
        el('polygon', {
          ...barAttrs,
          points: arrowPoints(x0, x1, y, BAR_H),
          fill: color,
          stroke: color,
          'stroke-width': 0.5,
        }),
      );
    }
    g.push(contributionLabel(signed(r.shap), x0, x1, y, r.shap === 0 ? COLORS.muted : color));
    if (i + 1 < n) {
      const conn = {
        x1,
        x2: x1,
        y1: y + BAR_H / 2,
        y2: y + ROW_H - BAR_H / 2,
        stroke: COLORS.axis,
        'stroke-width': 0.8,
      };
      g.push(el('line', { ...conn, class: 'connector' }));
    }
    out.push(el('g', { class: `row row-${r.kind}` }, g));
  });

  const yFinal = rowY(n + 1);
  const probText = prob === undefined ? '' : ` \u2192 P(${outcome}) = ${probability(prob)}`;
  out.push(
    el('g', { class: 'prediction-row' }, [
      textEl(
        'title',
        {},
        `Prediction: ${precise(margin)} ${unit}${prob === undefined ? '' : `, P(${outcome}) = ${precise(prob, 3)}`}`,
      ),
      textEl(
        'text',
        {
          x: LABEL_RIGHT,
          y: yFinal + 4.5,
          'text-anchor': 'end',
          'font-size': FONT.body,
          'font-weight': 'bold',
          fill: COLORS.text,
        },
        'Prediction',
      ),
      diamond(xFinal, yFinal, 6, COLORS.text, 'final-point'),
      markerText(
        xFinal,
        yFinal,
        `${fixed(margin, 2)}${logit ? ' log-odds' : ''}${probText}`,
        true,
        'final-value',
      ),
    ]),
  );

  const foot = footnote(input.footnote, axis.bottom + 4);
  out.push(...foot.markup);
  const height = Math.ceil(foot.bottom + 14);

  const top = rows.filter((r) => r.kind === 'feature').slice(0, 5);
  const desc =
    `SHAP waterfall chart. Base value ${precise(baseValue)} ${unit}; prediction ${precise(margin)} ${unit}` +
    (prob === undefined ? '' : ` (P(${outcome}) = ${probability(prob)})`) +
    `. Largest contributions: ${top.map((r) => `${r.name} ${signed(r.shap)}`).join(', ') || 'none'}.`;
  return svgDocument(WIDTH, height, title, desc, out);
}
