import { describe, expect, it } from 'vitest';
import {
  percentile,
  PYRADIOMICS_REFERENCE,
  pyradiomicsComparison,
  summariseRuns,
} from '../../bench/cases/radiomics-summary';

describe('radiomics bench summary', () => {
  it('takes nearest-rank percentiles: an actual run, never an interpolation', () => {
    const twenty = Array.from({ length: 20 }, (_, n) => 20 - n); // 20, 19, …, 1
    expect(percentile(twenty, 0.5)).toBe(10);
    expect(percentile(twenty, 0.9)).toBe(18);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('reports median and p90 of the total and of every feature class, in the order they ran', () => {
    const runs = Array.from({ length: 15 }, (_, n) => ({
      totalMs: 100 + n,
      timingsMs: { shape: 20 + n, glcm: 10 },
    }));
    const rows = summariseRuns('pyradiomics profile, 107 features', runs);
    expect(rows.map((r) => [r.case, r.metric, r.value, r.unit])).toEqual([
      ['radiomics pyradiomics profile, 107 features: total', 'median of 15 warm runs', 107, 'ms'],
      ['radiomics pyradiomics profile, 107 features: total', 'p90 of 15 warm runs', 113, 'ms'],
      ['radiomics pyradiomics profile, 107 features: shape', 'median of 15 warm runs', 27, 'ms'],
      ['radiomics pyradiomics profile, 107 features: shape', 'p90 of 15 warm runs', 33, 'ms'],
      ['radiomics pyradiomics profile, 107 features: glcm', 'median of 15 warm runs', 10, 'ms'],
      ['radiomics pyradiomics profile, 107 features: glcm', 'p90 of 15 warm runs', 10, 'ms'],
    ]);
  });

  it("states PyRadiomics' figures measured on this machine and the speed-up against them", () => {
    expect(PYRADIOMICS_REFERENCE).toMatchObject({
      measured: '2026-12-06',
      medianMs: 1310,
      minMs: 1280,
      maxMs: 1430,
    });
    const rows = pyradiomicsComparison(131);
    expect(rows[0]).toEqual({
      case: 'PyRadiomics 107 features, this machine, measured 2026-12-06',
      metric: 'median (1280–1430)',
      value: 1310,
      unit: 'ms',
    });
    expect(rows.map((r) => r.metric)).toEqual([
      'median (1280–1430)',
      'shape',
      'firstorder',
      'fastest texture class',
      'slowest texture class',
      'speed-up of this engine (median / median)',
    ]);
    expect(rows.at(-1)!.value).toBeCloseTo(10, 12);
  });
});
