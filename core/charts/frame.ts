import { el, px, textEl } from './svg';
import { COLORS, FONT, WIDTH } from './style';

export const MARGIN_X = 16;

/** Splits text into lines of at most `maxChars` characters, at spaces where possible. */
export function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (Array.from(w).length > maxChars) {
      if (line) lines.push(line);
      line = '';
      const chars = Array.from(w);
      lines.push(chars.slice(0, maxChars).join(''));
      w = chars.slice(maxChars).join('');
    }
    if (!line) line = w;
    else if (Array.from(line).length + 1 + Array.from(w).length <= maxChars) line += ' ' + w;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Title and explanation lines at the top; returns the markup and the y below them. */
export function header(title: string, explanation: string): { markup: string[]; bottom: number } {
  const out = [
    textEl(
      'text',
      {
        x: MARGIN_X,
        y: 28,
        'font-size': FONT.title,
        'font-weight': 'bold',
        fill: COLORS.text,
        class: 'chart-title',
      },
      title,
    ),
  ];
  let y = 28;
  for (const line of wrap(explanation, 118)) {
    y += 18;
    out.push(textEl('text', { x: MARGIN_X, y, 'font-size': FONT.small, fill: COLORS.muted }, line));
  }
  return { markup: out, bottom: y + 8 };
}

/** A horizontal arrow-shaped bar from x0 to x1 (the arrow head points to x1) centred on cy. */
export function arrowPoints(x0: number, x1: number, cy: number, h: number, head = 6): string {
  const dir = x1 >= x0 ? 1 : -1;
  const a = Math.min(head, Math.abs(x1 - x0));
  const top = cy - h / 2;
  const bot = cy + h / 2;
  const pts: [number, number][] = [
    [x0, top],
    [x1 - dir * a, top],
    [x1, cy],
    [x1 - dir * a, bot],
    [x0, bot],
  ];
  return pts.map(([x, y]) => `${px(x)},${px(y)}`).join(' ');
}

export interface LegendItem {
  kind: 'up' | 'down' | 'dash' | 'box';
  color: string;
  label: string;
}

/** One row of legend entries starting at the left margin. */
export function legend(items: readonly LegendItem[], y: number): string {
  const out: string[] = [];
  let x = MARGIN_X;
  for (const it of items) {
    if (it.kind === 'up' || it.kind === 'down') {
      const [a, b] = it.kind === 'up' ? [x, x + 22] : [x + 22, x];
      out.push(el('polygon', { points: arrowPoints(a, b, y - 4, 11, 5), fill: it.color }));
    } else if (it.kind === 'dash') {
      out.push(
        el('line', {
          x1: x + 11,
          x2: x + 11,
          y1: y - 11,
          y2: y + 3,
          stroke: it.color,
          'stroke-dasharray': '3 2',
        }),
      );
    } else {
      out.push(el('rect', { x, y: y - 9.5, width: 22, height: 11, fill: it.color }));
    }
    out.push(textEl('text', { x: x + 28, y, 'font-size': FONT.small, fill: COLORS.text }, it.label));
    x += 28 + it.label.length * FONT.small * 0.5 + 24;
  }
  return el('g', { class: 'legend' }, out);
}

/** Wrapped italic footnote lines starting at y; returns the markup and the y below them. */
export function footnote(text: string | undefined, y: number): { markup: string[]; bottom: number } {
  const out: string[] = [];
  if (!text) return { markup: out, bottom: y };
  for (const line of wrap(text, 125)) {
    y += 15;
    out.push(
      textEl(
        'text',
        {
          x: MARGIN_X,
          y,
          'font-size': FONT.tiny,
          'font-style': 'italic',
          fill: COLORS.muted,
          class: 'footnote',
        },
        line,
      ),
    );
  }
  return { markup: out, bottom: y };
}

export { WIDTH };
