import { featureValue, plural, signed } from './format';

export interface WaterfallContribution {
  /** Column name in the model file. */
  feature: string;
  /** Plain words for readers, e.g. "Pleural effusion". */
  label?: string;
  /** The feature's value for this patient; null = missing. */
  value: number | null;
  unit?: string;
  /** SHAP value, in the model's output units (log-odds for a logistic model). */
  shap: number;
}

export interface WaterfallInput {
  title?: string;
  /** Expected model output (margin; log-odds for a logistic model). */
  baseValue: number;
  prediction: { margin: number; probability?: number };
  contributions: readonly WaterfallContribution[];
  /** Features drawn one per bar (default 10); the rest are folded into "N other features". */
  topN?: number;
  scale: 'log-odds' | 'raw';
  footnote?: string;
  /** Name of the predicted outcome in "P(SAP) = 0.73" (default "SAP"). */
  outcome?: string;
}

export type RowKind = 'feature' | 'other' | 'remainder';

/** One bar of the waterfall: it moves the output from `start` to `end`. */
export interface WaterfallRow {
  kind: RowKind;
  name: string;
  /** "182 mg/L" or "missing"; absent for folded and remainder rows. */
  valueText?: string;
  tooltip: string;
  shap: number;
  start: number;
  end: number;
}

export const DEFAULT_TOP_N = 10;

function byImportance(a: WaterfallContribution, b: WaterfallContribution): number {
  const d = Math.abs(b.shap) - Math.abs(a.shap);
  if (d !== 0) return d;
  return a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0;
}

/** Validates the input and lays out the bars: sorted by |SHAP|, the tail folded, cumulative from the base value. */
export function waterfallRows(input: WaterfallInput): WaterfallRow[] {
  const { baseValue, prediction, contributions } = input;
  if (!Number.isFinite(baseValue)) throw new RangeError(`baseValue is not finite: ${baseValue}`);
  if (!Number.isFinite(prediction.margin))
    throw new RangeError(`prediction.margin is not finite: ${prediction.margin}`);
  for (const c of contributions) {
    if (!Number.isFinite(c.shap))
      throw new RangeError(`SHAP value of ${JSON.stringify(c.feature)} is not finite`);
  }
  const topN = Math.max(1, Math.floor(input.topN ?? DEFAULT_TOP_N));
  const unit = input.scale === 'log-odds' ? 'log-odds' : '';
  const sorted = [...contributions].sort(byImportance);
  const shown = sorted.slice(0, topN);
  const rest = sorted.slice(topN);

  const rows: Omit<WaterfallRow, 'start' | 'end'>[] = shown.map((c) => {
    const name = c.label?.trim() || c.feature;
    const valueText = featureValue(c.value, c.unit);
    const who = name === c.feature ? name : `${name} (${c.feature})`;
    return {
      kind: 'feature',
      name,
      valueText,
      shap: c.shap,
      tooltip: `${who} = ${valueText}: ${signed(c.shap)} ${unit}`.trim(),
    };
  });
  if (rest.length > 0) {
    const shap = rest.reduce((s, c) => s + c.shap, 0);
    const names = rest.slice(0, 30).map((c) => c.label?.trim() || c.feature);
    const more = rest.length > 30 ? `, … (${rest.length - 30} more)` : '';
    rows.push({
      kind: 'other',
      name: plural(rest.length, 'other feature', 'other features'),
      shap,
      tooltip:
        `${plural(rest.length, 'other feature', 'other features')} together: ${signed(shap)} ${unit}`.trim() +
        `\n${names.join(', ')}${more}`,
    });
  }

  // SHAP values should add up from the base value to the prediction; if they don't (rounding, a truncated
  // list), show the gap as its own bar instead of letting the chart end somewhere the model did not.
  const total = contributions.reduce((s, c) => s + c.shap, 0);
  const gap = prediction.margin - baseValue - total;
  const points = [baseValue, prediction.margin];
  let pos = baseValue;
  for (const r of rows) points.push((pos += r.shap));
  const span = Math.max(...points) - Math.min(...points);
  if (Math.abs(gap) > Math.max(1e-9, span * 1e-3)) {
    rows.push({
      kind: 'remainder',
      name: 'Not explained by features',
      shap: gap,
      tooltip:
        `Difference between the prediction and base value + contributions: ${signed(gap)} ${unit}`.trim(),
    });
  }

  pos = baseValue;
  return rows.map((r) => {
    const start = pos;
    pos += r.shap;
    return { ...r, start, end: pos };
  });
}
