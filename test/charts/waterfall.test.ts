import { describe, expect, it } from 'vitest';
import { shapWaterfallSvg } from '../../core/charts';
import { CONTRIBUTIONS, manyFeatures, sum, waterfallInput } from './fixtures';
import type { XmlElement } from './xml';
import { findAll, hasClass, parseXml } from './xml';

const bars = (root: XmlElement) => findAll(root, hasClass('bar'));
const num = (e: XmlElement, attr: string) => Number(e.attrs[attr]);
const rowsOf = (root: XmlElement) => findAll(root, hasClass('row'));
const rowTitle = (row: XmlElement) => row.children.find((c) => c.name === 'title')!.text;
const names = (root: XmlElement) => findAll(root, hasClass('feature-name')).map((e) => e.text);

function render(...args: Parameters<typeof waterfallInput>) {
  const svg = shapWaterfallSvg(waterfallInput(...args));
  return { svg, root: parseXml(svg) };
}

/** The bars chain from the base value to the prediction, each starting where the previous one ended. */
function expectChain(root: XmlElement) {
  const base = findAll(root, hasClass('base-marker'))[0]!;
  const final = findAll(root, hasClass('final-marker'))[0]!;
  const bs = bars(root);
  expect(bs.length).toBeGreaterThan(0);
  expect(Math.abs(num(bs[0]!, 'data-x0') - num(base, 'x1'))).toBeLessThan(1);
  for (let i = 1; i < bs.length; i++)
    expect(num(bs[i]!, 'data-x0')).toBeCloseTo(num(bs[i - 1]!, 'data-x1'), 1);
  expect(Math.abs(num(bs[bs.length - 1]!, 'data-x1') - num(final, 'x1'))).toBeLessThan(1);
}

describe('shapWaterfallSvg', () => {
  it('is a well-formed, self-contained 800 px wide SVG document', () => {
    const { svg, root } = render();
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.width).toBe('800');
    expect(root.attrs.viewBox).toBe(`0 0 800 ${root.attrs.height}`);
    expect(svg).not.toMatch(/<script|href=|url\(|@import|<image|<foreignObject/i);
    expect(svg.match(/https?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('is readable on its own: title, explanation, legend, axis with unit, base value, P(SAP), footnote', () => {
    const { root } = render();
    const text = root.text;
    expect(findAll(root, hasClass('chart-title'))[0]!.text).toBe('Why this risk?');
    expect(text).toContain('base value');
    expect(findAll(root, hasClass('legend'))[0]!.text).toMatch(/raises risk.*lowers risk/);
    expect(text).toContain('Model output, log-odds');
    expect(findAll(root, hasClass('base-value'))[0]!.text).toBe('\u22121.30 log-odds (P = 0.21)');
    const margin = -1.3 + sum(CONTRIBUTIONS);
    expect(findAll(root, hasClass('final-value'))[0]!.text).toBe(
      `${margin.toFixed(2).replace('-', '\u2212')} log-odds \u2192 P(SAP) = ${(1 / (1 + Math.exp(-margin))).toFixed(2)}`,
    );
    expect(findAll(root, hasClass('footnote'))[0]!.text).toBe('Synthetic demo model, not for clinical use');
    expect(findAll(root, (e) => e.name === 'desc')[0]!.text).toMatch(
      /Largest contributions: Pleural effusion \+0\.82/,
    );
  });

  it('has axis ticks with labels (and probabilities below them for log-odds)', () => {
    const { root } = render();
    const tickLabels = findAll(root, (e) => e.name === 'text' && e.attrs['text-anchor'] === 'middle').map(
      (e) => e.text,
    );
    expect(tickLabels.filter((t) => /^\u2212?\d+(\.\d+)?$/.test(t)).length).toBeGreaterThanOrEqual(4);
    expect(tickLabels.filter((t) => /^P [<>]?\d\.\d\d$/.test(t)).length).toBeGreaterThanOrEqual(4);
  });

  it('uses the given probability, and for a raw-scale model shows no log-odds or invented probability', () => {
    expect(
      render(undefined, { prediction: { margin: -1.3 + sum(CONTRIBUTIONS), probability: 0.73 } }).root.text,
    ).toContain('P(SAP) = 0.73');
    const raw = render(undefined, { scale: 'raw', outcome: 'X' }).root;
    expect(raw.text).not.toMatch(/log-odds|P\(/);
    expect(raw.text).toContain('Model output (raw score)');
  });

  it('adds the contributions from the base value to the prediction (geometry within a pixel)', () => {
    expectChain(render().root);
    expectChain(render(manyFeatures(25), { topN: 7 }).root);
  });

  it('shows a gap between base + contributions and the prediction as its own bar, still ending at the prediction', () => {
    const { root } = render(undefined, { prediction: { margin: 1.5 } });
    const rows = rowsOf(root);
    expect(rows[rows.length - 1]!.attrs.class).toContain('row-remainder');
    expectChain(root);
  });

  it('sorts bars by |SHAP| and folds the rest into "N other features"', () => {
    const cs = manyFeatures(15).reverse(); // input order must not matter
    const { root } = render(cs, { topN: 5 });
    expect(names(root)).toEqual(['f00', 'f01', 'f02', 'f03', 'f04', '10 other features']);
    const folded = bars(root)[5]!;
    const rest = manyFeatures(15).slice(5);
    expect(Number(folded.attrs['data-shap'])).toBeCloseTo(sum(rest), 12);
    expect(rowTitle(rowsOf(root)[5]!)).toContain(rest.map((c) => c.feature).join(', '));
    expectChain(root);
  });

  it('defaults to 10 bars, says "1 other feature" in the singular, and shows all when they fit', () => {
    expect(names(render(manyFeatures(12)).root)).toHaveLength(11);
    expect(names(render(manyFeatures(11)).root).at(-1)).toBe('1 other feature');
    expect(names(render(manyFeatures(10)).root)).not.toContain('other');
  });

  it('shows values with units, and "missing" for null or non-finite values', () => {
    const { root } = render([
      { feature: 'crp', label: 'CRP', value: 182.4, unit: 'mg/L', shap: 0.3 },
      { feature: 'hct', label: 'Haematocrit', value: null, unit: '%', shap: 0.2 },
      { feature: 'bun', value: Number.NaN, shap: -0.1 },
    ]);
    const labels = findAll(root, (e) => e.name === 'text' && e.children.some(hasClass('feature-name'))).map(
      (e) => e.text,
    );
    // The value is its own <tspan>, set off by dx rather than a space (renderers collapse leading spaces).
    expect(labels).toEqual(['CRP= 182.4 mg/L', 'Haematocrit= missing', 'bun= missing']);
    expect(rowTitle(rowsOf(root)[1]!)).toBe('Haematocrit (hct) = missing: +0.20 log-odds');
  });

  it('marks direction by colour, sign and arrow: red + pointing right, blue − pointing left', () => {
    const { root } = render();
    const bs = bars(root);
    const labels = findAll(root, hasClass('contribution')).map((e) => e.text);
    expect(labels).toEqual(['+0.82', '+0.61', '\u22120.28', '\u22120.17', '+0.12']);
    bs.forEach((b, i) => {
      const up = labels[i]!.startsWith('+');
      expect(b.attrs.fill).toBe(up ? '#c62828' : '#1565c0');
      expect(num(b, 'data-x1') > num(b, 'data-x0')).toBe(up);
      // The arrow tip (third point) lies at the end of the bar.
      const tip = b.attrs.points!.split(' ')[2]!.split(',').map(Number);
      expect(tip[0]).toBeCloseTo(num(b, 'data-x1'), 1);
    });
  });

  it('draws all-zero SHAP values as neutral ticks without dividing by zero', () => {
    const zeros = CONTRIBUTIONS.map((c) => ({ ...c, shap: 0 }));
    const { svg, root } = render(zeros);
    expect(svg).not.toMatch(/NaN|Infinity/);
    for (const b of bars(root)) {
      expect(b.name).toBe('line');
      expect(b.attrs.stroke).toBe('#9e9e9e');
    }
    expect(findAll(root, hasClass('contribution')).map((e) => e.text)).toEqual(Array(5).fill('0.00'));
    expectChain(root);
  });

  it('draws a single feature', () => {
    const { root } = render([{ feature: 'x', value: 2, shap: -0.5 }]);
    expect(bars(root)).toHaveLength(1);
    expect(names(root)).toEqual(['x']);
    expectChain(root);
  });

  it('grows in height with the number of bars', () => {
    const h = (n: number) => Number(render(manyFeatures(n), { topN: 50 }).root.attrs.height);
    expect(h(10) - h(5)).toBe(5 * 28);
  });

  it('truncates very long names with an ellipsis and keeps the full name in a <title> tooltip', () => {
    const long =
      'serum_lactate_dehydrogenase_on_admission_measured_in_the_emergency_department_' + 'x'.repeat(60);
    const { root } = render([{ feature: long, value: 410, unit: 'U/L', shap: 0.4 }]);
    const shown = names(root)[0]!;
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThan(40);
    expect(long.startsWith(shown.slice(0, -1))).toBe(true);
    expect(rowTitle(rowsOf(root)[0]!)).toContain(long);
  });

  it('escapes hostile feature names, labels and units', () => {
    const evil = `<script>alert("x")</script> & 'q' ]]> <!--`;
    const { svg, root } = render([
      { feature: evil, value: 1, unit: '<b>"u"</b>', shap: 0.3 },
      { feature: 'ok', label: `"></text><script>x</script>`, value: 2, shap: -0.2 },
      { feature: 'ctl\u0001\u0008', value: 3, shap: 0.1 },
    ]);
    expect(svg).not.toMatch(/<script|<b>|<!--/);
    expect(svg).not.toContain('\u0001');
    expect(rowTitle(rowsOf(root)[0]!)).toBe(`${evil} = 1 <b>"u"</b>: +0.30 log-odds`);
    expect(names(root)[1]).toBe(`"></text><script>x</script>`);
    expect(names(root)[2]).toBe('ctl\uFFFD\uFFFD');
    expect(findAll(root, (e) => e.name === 'title')[0]!.text).toBe('Why this risk?');
  });

  it('is deterministic: the same input (in any order) gives the identical string', () => {
    const cs = [
      ...manyFeatures(14),
      { feature: 'tie_b', value: 1, shap: 0.05 },
      { feature: 'tie_a', value: 1, shap: -0.05 },
    ];
    const a = shapWaterfallSvg(waterfallInput(cs));
    expect(shapWaterfallSvg(waterfallInput(cs))).toBe(a);
    expect(shapWaterfallSvg(waterfallInput([...cs].reverse()))).toBe(a);
  });

  it('refuses non-finite SHAP values, base values and margins', () => {
    expect(() => shapWaterfallSvg(waterfallInput([{ feature: 'a', value: 1, shap: Number.NaN }]))).toThrow(
      /not finite/,
    );
    expect(() => shapWaterfallSvg(waterfallInput(undefined, { baseValue: Infinity }))).toThrow(/baseValue/);
    expect(() => shapWaterfallSvg(waterfallInput(undefined, { prediction: { margin: Number.NaN } }))).toThrow(
      /margin/,
    );
  });
});
