import { bottomAxis, linearScale, niceTicks, type Scale } from './axis';
import { fixed } from './format';
import { footnote, header, legend, type LegendItem } from './frame';
import { el, px, textEl, svgDocument } from './svg';
import { COLORS, FONT, WIDTH } from './style';

/** Series colours, distinguishable in print; the first series is drawn solid, others also dashed. */
const SERIES_COLORS = ['#c62828', '#1565c0', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037'];
const DASHES = [undefined, '6 3', '2 3', '8 3 2 3', '1 2', '10 4', '4 4'];
const PLOT = { left: 70, right: WIDTH - 24, height: 380 };

export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface LineChartInput {
  title: string;
  explanation: string;
  xLabel: string;
  yLabel: string;
  xDomain: [number, number];
  yDomain: [number, number];
  series: readonly LineSeries[];
  /** A grey dashed reference line y = x (chance for ROC, perfect calibration). */
  identityLine?: boolean;
  footnote?: string;
}

/**
 * A line chart of several series on shared axes, as a self-contained SVG: ROC curves, calibration curves,
 * decision curves. Points outside the domain are clipped to it.
 */
export function lineChartSvg(input: LineChartInput): string {
  const head = header(input.title, input.explanation);
  const legendY = head.bottom + 14;
  const items: LegendItem[] = input.series.map((s, n) => ({ kind: 'box', color: color(n), label: s.name }));
  const top = legendY + 18;
  const bottom = top + PLOT.height;
  const x = linearScale(input.xDomain[0], input.xDomain[1], PLOT.left, PLOT.right);
  const y = linearScale(input.yDomain[0], input.yDomain[1], bottom, top);
  const out = [...head.markup, legend(items, legendY), ...leftAxis(y, PLOT.left, PLOT.right, input.yLabel)];
  const axis = bottomAxis(x, bottom, top, input.xLabel);
  out.push(...axis.markup);
  if (input.identityLine) {
    const lo = Math.max(input.xDomain[0], input.yDomain[0]);
    const hi = Math.min(input.xDomain[1], input.yDomain[1]);
    out.push(
      el('line', {
        x1: x(lo),
        y1: y(lo),
        x2: x(hi),
        y2: y(hi),
        stroke: COLORS.neutral,
        'stroke-dasharray': '4 4',
      }),
    );
  }
  input.series.forEach((series, n) => {
    const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    const points = series.points
      .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
      .map(([a, b]) => `${px(x(clip(a, ...input.xDomain)))},${px(y(clip(b, ...input.yDomain)))}`)
      .join(' ');
    out.push(
      el(
        'polyline',
        {
          points,
          fill: 'none',
          stroke: color(n),
          'stroke-width': 2,
          'stroke-dasharray': DASHES[n % DASHES.length],
          class: 'series',
        },
        [textEl('title', {}, series.name)],
      ),
    );
  });
  const foot = footnote(input.footnote, axis.bottom + 6);
  out.push(...foot.markup);
  return svgDocument(WIDTH, Math.ceil(foot.bottom + 14), input.title, input.explanation, out);
}

const color = (n: number) => SERIES_COLORS[n % SERIES_COLORS.length]!;

function leftAxis(scale: Scale, x0: number, x1: number, title: string): string[] {
  const { ticks, decimals } = niceTicks(scale.d0, scale.d1);
  const out: string[] = [];
  for (const t of ticks) {
    const yy = scale(t);
    out.push(el('line', { x1: x0, x2: x1, y1: yy, y2: yy, stroke: COLORS.grid, 'stroke-width': 1 }));
    out.push(
      textEl(
        'text',
        { x: x0 - 8, y: yy + 4, 'text-anchor': 'end', 'font-size': FONT.small, fill: COLORS.text },
        fixed(t, decimals),
      ),
    );
  }
  out.push(
    el('line', {
      x1: x0,
      x2: x0,
      y1: scale.x0,
      y2: scale.x1,
      stroke: COLORS.axis,
      'stroke-width': 1,
      class: 'axis',
    }),
  );
  const cy = px((scale.x0 + scale.x1) / 2);
  out.push(
    textEl(
      'text',
      {
        x: 18,
        y: cy,
        transform: `rotate(-90 18 ${cy})`,
        'text-anchor': 'middle',
        'font-size': FONT.small,
        fill: COLORS.text,
      },
      title,
    ),
  );
  return out;
}
