import { describe, expect, it } from 'vitest';
import { normaliseClinical, type NormalisedClinical } from '../../core/ingest/clinical';
import { bisap } from '../../core/scores';
import { healthy, itemOf, pointsOf, without } from './records';

const bunMgDl = (value: number): NormalisedClinical => {
  const result = normaliseClinical({ schemaVersion: 1, admission: { urea: { value, unit: 'mg/dL BUN' } } });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return healthy({ admission: result.clinical.admission });
};

describe('BISAP', () => {
  it('scores 0 of 5 on a normal record, complete', () => {
    const result = bisap(healthy());
    expect(result).toMatchObject({ name: 'BISAP', value: 0, max: 5, partial: false, missing: [] });
    expect(result.cutOff).toEqual({ rule: 'BISAP ≥ 3: high risk', met: false });
  });

  it.each([
    [8.92, 0], // the GDL suite's 8.92 mmol/L
    [25 / 2.801, 0], // exactly BUN 25 mg/dL
    [8.93, 1],
    [8.9, 0],
  ])('urea %s mmol/L scores %s (BUN > 25 mg/dL = urea > 8.925 mmol/L)', (urea, points) => {
    expect(pointsOf(bisap(healthy({ admission: { urea } })), 'BUN')).toBe(points);
  });

  it.each([
    [25, 0],
    [25.1, 1],
    [24.9, 0],
  ])('BUN %s mg/dL sent in US units scores %s after conversion at ingest', (bun, points) => {
    expect(pointsOf(bisap(bunMgDl(bun)), 'BUN')).toBe(points);
  });

  it.each([
    [15, 0],
    [14, 1],
    [3, 1],
  ])('GCS %s scores %s (< 15)', (gcs, points) => {
    expect(pointsOf(bisap(healthy({ admission: { gcs } })), 'impaired mental status')).toBe(points);
  });

  it.each([
    [60, 0],
    [61, 1],
    [59, 0],
  ])('age %s scores %s (> 60, the GDL suite: 60 → 0)', (age, points) => {
    expect(pointsOf(bisap(healthy({ admission: { age } })), 'age')).toBe(points);
  });

  it('scores pleural effusion and SIRS ≥ 2', () => {
    expect(pointsOf(bisap(healthy({ admission: { pleuralEffusion: true } })), 'pleural effusion')).toBe(1);
    const oneCriterion = healthy({ admission: { heartRate: 100 } });
    expect(pointsOf(bisap(oneCriterion), 'SIRS')).toBe(0);
    const twoCriteria = healthy({ admission: { heartRate: 100, respiratoryRate: 22 } });
    expect(itemOf(bisap(twoCriteria), 'SIRS')).toMatchObject({
      points: 1,
      input: { field: 'SIRS criteria met', value: 2, unit: 'criteria' },
    });
  });

  it('a complete high-risk example: 5 of 5', () => {
    const record = healthy({
      admission: { urea: 12, gcs: 13, temperature: 38.6, heartRate: 118, age: 72, pleuralEffusion: true },
    });
    const result = bisap(record);
    expect(result).toMatchObject({
      value: 5,
      upperBound: 5,
      partial: false,
      interpretation: 'high risk (≥ 3)',
    });
    expect(result.cutOff?.met).toBe(true);
  });

  it('the high-risk cut-off is a parameter (SAP papers use 2)', () => {
    const record = healthy({ admission: { age: 65, pleuralEffusion: true } });
    expect(bisap(record).cutOff?.met).toBe(false);
    expect(bisap(record, 2)).toMatchObject({ value: 2, cutOff: { rule: 'BISAP ≥ 2: high risk', met: true } });
  });

  it('lists missing items, counts them as nothing, and passes on what SIRS lacks', () => {
    const record = without(
      healthy({ admission: { pleuralEffusion: true } }),
      'admission.urea',
      'admission.age',
      'admission.temperature',
      'admission.heartRate',
    );
    const result = bisap(record);
    expect(result).toMatchObject({ value: 1, upperBound: 4, partial: true });
    expect(result.missing).toEqual([
      'admission.urea',
      'admission.temperature',
      'admission.heartRate',
      'admission.age',
    ]);
    expect(result.missingItems).toEqual(['BUN', 'SIRS', 'age']);
    expect(result.cutOff?.met).toBeUndefined();
  });

  it('SIRS known despite missing criteria counts', () => {
    const record = without(healthy({ admission: { temperature: 39, heartRate: 120 } }), 'admission.wbc');
    expect(pointsOf(bisap(record), 'SIRS')).toBe(1);
  });
});
