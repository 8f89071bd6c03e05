import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../core/charts';
import { findAll, parseXml } from './xml';

const roc = {
  title: 'ROC curves <test & "cohort">',
  explanation: 'Sensitivity against 1 − specificity for every system.',
  xLabel: '1 − specificity',
  yLabel: 'Sensitivity',
  xDomain: [0, 1] as [number, number],
  yDomain: [0, 1] as [number, number],
  identityLine: true,
  series: [
    {
      name: 'Fusion model (AUC 0.91)',
      points: [
        [0, 0],
        [0.1, 0.7],
        [0.3, 0.9],
        [1, 1],
      ] as [number, number][],
    },
    {
      name: 'BISAP (AUC 0.76)',
      points: [
        [0, 0],
        [0.2, 0.5],
        [0.5, 0.8],
        [1, 1],
      ] as [number, number][],
    },
  ],
  footnote: '100 patients, 30 with SAP.',
};

describe('lineChartSvg', () => {
  const svg = lineChartSvg(roc);
  const root = parseXml(svg);

  it('is a well-formed SVG with one polyline per series, named in its legend and tooltip', () => {
    expect(root.name).toBe('svg');
    const lines = findAll(root, (e) => e.name === 'polyline');
    expect(lines).toHaveLength(2);
    expect(svg).toContain('Fusion model (AUC 0.91)');
    expect(svg).toContain('BISAP (AUC 0.76)');
  });

  it('keeps every point inside the plot and draws the chance diagonal', () => {
    for (const line of findAll(root, (e) => e.name === 'polyline')) {
      const coords = String(line.attrs.points)
        .split(' ')
        .map((p) => p.split(',').map(Number));
      for (const [px, py] of coords) {
        expect(px).toBeGreaterThanOrEqual(70);
        expect(px).toBeLessThanOrEqual(776);
        expect(py).toBeGreaterThan(0);
      }
    }
    expect(findAll(root, (e) => e.name === 'line' && e.attrs['stroke-dasharray'] === '4 4')).toHaveLength(1);
  });

  it('escapes text and is deterministic', () => {
    expect(svg).toContain('ROC curves &lt;test &amp; &quot;cohort&quot;&gt;');
    expect(lineChartSvg(roc)).toBe(svg);
  });
});
