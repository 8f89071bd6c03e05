import { describe, expect, it } from 'vitest';
import { importanceBarSvg } from '../../core/charts';
import type { ImportanceInput } from '../../core/charts';
import { findAll, hasClass, parseXml } from './xml';

const VALUES = { crp: 40, pleural_effusion: 100, age: 10, bun: 25, hct: 5 };
function render(extra: Partial<ImportanceInput> = {}) {
  const svg = importanceBarSvg({
    title: 'Global importance',
    importanceType: 'total_gain',
    values: VALUES,
    ...extra,
  });
  return { svg, root: parseXml(svg) };
}
const names = (root: ReturnType<typeof parseXml>) =>
  findAll(root, hasClass('feature-name')).map((e) => e.text);
const valueLabels = (root: ReturnType<typeof parseXml>) =>
  findAll(root, hasClass('value')).map((e) => e.text);

describe('importanceBarSvg', () => {
  it('is a well-formed 800 px SVG with title, explanation of the type, axis and footnote', () => {
    const { svg, root } = render({ footnote: 'Synthetic demo model' });
    expect(root.name).toBe('svg');
    expect(root.attrs.width).toBe('800');
    expect(svg).not.toMatch(/<script|href=|url\(/);
    expect(root.text).toContain('total gain (loss reduction)');
    expect(root.text).toContain('Importance (total_gain)');
    expect(findAll(root, hasClass('footnote'))[0]!.text).toBe('Synthetic demo model');
  });

  it('sorts bars largest first, with lengths proportional to the values', () => {
    const { root } = render({ labels: { pleural_effusion: 'Pleural effusion' } });
    expect(names(root)).toEqual(['Pleural effusion', 'crp', 'bun', 'age', 'hct']);
    const bars = findAll(root, hasClass('bar')).map((b) => Number(b.attrs.width));
    expect(bars[1]! / bars[0]!).toBeCloseTo(0.4, 2);
    expect(bars[4]! / bars[0]!).toBeCloseTo(0.05, 2);
  });

  it('shows shares of the total for additive types only', () => {
    expect(valueLabels(render().root)[0]).toBe('100 (55.6%)');
    expect(valueLabels(render({ importanceType: 'gain' }).root)[0]).toBe('100');
    expect(render({ importanceType: 'weight' }).root.text).toContain('number of splits');
  });

  it('draws the top N and counts the others', () => {
    const { root } = render({ topN: 2 });
    expect(names(root)).toEqual(['pleural_effusion', 'crp']);
    expect(findAll(root, hasClass('others'))[0]!.text).toBe(
      '3 other features not shown (each at most 40, together 22.2% of the total).',
    );
  });

  it('escapes hostile names and truncates long ones, full name in the tooltip', () => {
    const long = 'a'.repeat(80);
    const { svg, root } = render({ values: { '<script>"&\'</script>': 3, [long]: 2 } });
    expect(svg).not.toContain('<script');
    expect(names(root)[0]).toBe('<script>"&\'</script>');
    expect(names(root)[1]!.endsWith('…')).toBe(true);
    expect(findAll(root, (e) => e.name === 'title').some((t) => t.text.startsWith(long))).toBe(true);
  });

  it('handles no features and all-zero importances, and is deterministic', () => {
    expect(render({ values: {} }).root.text).toContain('No features');
    const zero = render({ values: { a: 0, b: 0 } }).svg;
    expect(zero).not.toMatch(/NaN|Infinity/);
    expect(render({ values: { b: 1, a: 1 } }).svg).toBe(render({ values: { a: 1, b: 1 } }).svg);
  });

  it('refuses negative or non-finite importances and unknown types', () => {
    expect(() => render({ values: { a: -1 } })).toThrow(RangeError);
    expect(() => render({ values: { a: Number.NaN } })).toThrow(RangeError);
    expect(() => render({ importanceType: 'bogus' as never })).toThrow(/unknown importance type/);
  });
});
