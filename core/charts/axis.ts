import { el, px, textEl } from './svg';
import { fixed } from './format';
import { COLORS, FONT } from './style';

export interface Scale {
  readonly d0: number;
  readonly d1: number;
  readonly x0: number;
  readonly x1: number;
  (v: number): number;
}

/** A linear map from the domain [d0, d1] onto pixels [x0, x1]; a degenerate domain is widened. */
export function linearScale(d0: number, d1: number, x0: number, x1: number): Scale {
  if (!(d1 > d0)) {
    const c = Number.isFinite(d0) ? d0 : 0;
    d0 = c - 1;
    d1 = c + 1;
  }
  const k = (x1 - x0) / (d1 - d0);
  const f = ((v: number) => x0 + (v - d0) * k) as Scale;
  return Object.assign(f, { d0, d1, x0, x1 });
}

/** "Nice" tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): { ticks: number[]; decimals: number } {
  if (!(hi > lo)) return { ticks: [lo], decimals: 2 };
  const pow = 10 ** Math.floor(Math.log10((hi - lo) / count));
  // The 1-2-5 step whose tick count is closest (by ratio) to the one asked for.
  const steps = [1, 2, 5, 10].map((m) => m * pow);
  const miss = (s: number) => Math.abs(Math.log((hi - lo) / s / count));
  const step = steps.reduce((best, s) => (miss(s) < miss(best) ? s : best));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++)
    ticks.push(i === 0 ? 0 : i * step);
  return { ticks, decimals };
}

/** Extends [lo, hi] by a fraction of its span on each side (or ±1 when the span is zero). */
export function pad(lo: number, hi: number, fraction: number): [number, number] {
  const span = hi - lo;
  if (!(span > 0)) return [lo - 1, hi + 1];
  return [lo - span * fraction, hi + span * fraction];
}

/**
 * A bottom axis at `y` with ticks, light vertical grid lines reaching up to `gridTop`, tick labels,
 * optional second-line labels under each tick (e.g. probabilities) and an axis title.
 * Returns the markup and the y just below it.
 */
export function bottomAxis(
  scale: Scale,
  y: number,
  gridTop: number,
  title: string,
  subLabel?: (v: number) => string,
): { markup: string[]; bottom: number } {
  const { ticks, decimals } = niceTicks(scale.d0, scale.d1);
  const out: string[] = [];
  for (const t of ticks) {
    const x = scale(t);
    out.push(el('line', { x1: x, x2: x, y1: gridTop, y2: y, stroke: COLORS.grid, 'stroke-width': 1 }));
    out.push(el('line', { x1: x, x2: x, y1: y, y2: y + 5, stroke: COLORS.axis, 'stroke-width': 1 }));
    const label = fixed(t, decimals);
    out.push(
      textEl(
        'text',
        { x, y: y + 18, 'text-anchor': 'middle', 'font-size': FONT.small, fill: COLORS.text },
        label,
      ),
    );
    if (subLabel) {
      const sub = subLabel(t);
      out.push(
        textEl(
          'text',
          { x, y: y + 31, 'text-anchor': 'middle', 'font-size': FONT.tiny, fill: COLORS.muted },
          sub,
        ),
      );
    }
  }
  out.push(
    el('line', {
      x1: scale.x0,
      x2: scale.x1,
      y1: y,
      y2: y,
      stroke: COLORS.axis,
      'stroke-width': 1,
      class: 'axis',
    }),
  );
  const titleY = y + (subLabel ? 48 : 36);
  out.push(
    textEl(
      'text',
      {
        x: px((scale.x0 + scale.x1) / 2),
        y: titleY,
        'text-anchor': 'middle',
        'font-size': FONT.small,
        fill: COLORS.text,
      },
      title,
    ),
  );
  return { markup: out, bottom: titleY + 6 };
}
