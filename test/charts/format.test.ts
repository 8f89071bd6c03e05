import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks, pad } from '../../core/charts/axis';
import { compact, featureValue, fixed, precise, probability, signed } from '../../core/charts/format';
import { escapeXml, px, truncate } from '../../core/charts/svg';
import { wrap } from '../../core/charts/frame';

const M = '\u2212';

describe('number formatting', () => {
  it('signs contributions and keeps tiny ones visible', () => {
    expect(signed(0.42)).toBe('+0.42');
    expect(signed(-0.126)).toBe(`${M}0.13`);
    expect(signed(0)).toBe('0.00');
    expect(signed(0.0042)).toBe('+0.0042');
    expect(signed(-1e-7)).toBe(`${M}1e-7`);
  });

  it('formats fixed decimals without "-0"', () => {
    expect(fixed(-0.001, 2)).toBe('0.00');
    expect(fixed(-1.5, 1)).toBe(`${M}1.5`);
  });

  it('formats feature values with units, or "missing"', () => {
    expect(featureValue(182.4, 'mg/L')).toBe('182.4 mg/L');
    expect(featureValue(12.5, '%')).toBe('12.5%');
    expect(featureValue(1)).toBe('1');
    expect(featureValue(1 / 3)).toBe('0.3333');
    expect(featureValue(-2.5)).toBe(`${M}2.5`);
    expect(featureValue(null, 'mg/L')).toBe('missing');
    expect(featureValue(Number.NaN)).toBe('missing');
    expect(precise(123456789)).toBe('123500000');
    expect(precise(0.00001234)).toBe('1.23e-5');
  });

  it('formats probabilities and large importances', () => {
    expect(probability(0.7312)).toBe('0.73');
    expect(probability(0.001)).toBe('<0.01');
    expect(probability(0.999)).toBe('>0.99');
    expect(probability(0)).toBe('0.00');
    expect(compact(1234)).toBe('1234');
    expect(compact(45678)).toBe('45.7k');
    expect(compact(2_345_678)).toBe('2.35M');
  });
});

describe('axis helpers', () => {
  it('chooses 1-2-5 ticks inside the domain', () => {
    expect(niceTicks(-1.47, 0.3)).toEqual({
      ticks: [-1.4, -1.2, -1, -0.8, -0.6, -0.4, -0.2, 0, 0.2].map((t) => expect.closeTo(t, 9)),
      decimals: 1,
    });
    expect(niceTicks(0, 1080).ticks).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(2, 2).ticks).toEqual([2]);
  });

  it('widens a degenerate domain instead of dividing by zero', () => {
    const x = linearScale(3, 3, 100, 200);
    expect(x(3)).toBe(150);
    expect(pad(3, 3, 0.1)).toEqual([2, 4]);
  });
});

describe('SVG text helpers', () => {
  it('escapes markup characters and replaces characters XML forbids', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\uFFFFc\uD800d')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(escapeXml('ok 😀 é')).toBe('ok 😀 é');
  });

  it('rounds coordinates to two decimals and never writes -0', () => {
    expect(px(1.23456)).toBe('1.23');
    expect(px(-0.001)).toBe('0');
    expect(() => px(Number.NaN)).toThrow();
  });

  it('truncates by code point with an ellipsis', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });

  it('wraps text at spaces and splits words longer than a line', () => {
    expect(wrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('abcdefghij k', 4)).toEqual(['abcd', 'efgh', 'ij k']);
  });
});
