import { describe, expect, it } from 'vitest';
import { sirs } from '../../core/scores';
import { healthy, itemOf, pointsOf, without } from './records';

describe('SIRS', () => {
  it('counts 0 of 4 on a normal record, complete, SIRS absent', () => {
    const result = sirs(healthy());
    expect(result).toMatchObject({ name: 'SIRS', value: 0, max: 4, upperBound: 0, partial: false });
    expect(result.missing).toEqual([]);
    expect(result.present).toBe(false);
  });

  it.each([
    [38, 0],
    [38.1, 1],
    [37.9, 0],
    [36, 0],
    [35.9, 1],
    [36.1, 0],
  ])('temperature %s °C scores %s (> 38 or < 36, strict)', (temperature, points) => {
    expect(pointsOf(sirs(healthy({ admission: { temperature } })), 'temperature')).toBe(points);
  });

  it.each([
    [90, 0],
    [91, 1],
    [89, 0],
  ])('heart rate %s /min scores %s (> 90)', (heartRate, points) => {
    expect(pointsOf(sirs(healthy({ admission: { heartRate } })), 'heart rate')).toBe(points);
  });

  it.each([
    [{ respiratoryRate: 20 }, 0],
    [{ respiratoryRate: 21 }, 1],
    [{ respiratoryRate: 19 }, 0],
    [{ paco2: 32 }, 0],
    [{ paco2: 31.9 }, 1],
    [{ paco2: 32.1 }, 0],
  ])('respiration %o scores %s (RR > 20 or PaCO2 < 32 mmHg)', (admission, points) => {
    expect(pointsOf(sirs(healthy({ admission })), 'respiration')).toBe(points);
  });

  it.each([
    [{ wbc: 12 }, 0],
    [{ wbc: 12.1 }, 1],
    [{ wbc: 11.9 }, 0],
    [{ wbc: 4 }, 0],
    [{ wbc: 3.9 }, 1],
    [{ wbc: 4.1 }, 0],
    [{ bandsPercent: 10 }, 0],
    [{ bandsPercent: 10.5 }, 1],
    [{ bandsPercent: 9.5 }, 0],
  ])('white cells %o scores %s (WBC > 12 or < 4, or bands > 10 %)', (admission, points) => {
    expect(pointsOf(sirs(healthy({ admission })), 'white cells')).toBe(points);
  });

  it('is present at exactly 2 criteria and absent at 1', () => {
    const two = sirs(healthy({ admission: { temperature: 38.5, heartRate: 95 } }));
    expect(two).toMatchObject({ value: 2, present: true, interpretation: 'SIRS present (≥ 2 criteria)' });
    const one = sirs(healthy({ admission: { temperature: 38.5 } }));
    expect(one).toMatchObject({ value: 1, present: false });
  });

  it('records the deciding input of an either-or criterion', () => {
    const result = sirs(healthy({ admission: { respiratoryRate: 16, paco2: 30 } }));
    expect(itemOf(result, 'respiration').input).toEqual({
      field: 'admission.paco2',
      value: 30,
      unit: 'mmHg',
    });
  });

  it('lists missing criteria, never counts them, and leaves SIRS open when they could decide it', () => {
    const record = without(
      healthy({ admission: { respiratoryRate: 24 } }),
      'admission.temperature',
      'admission.heartRate',
    );
    const result = sirs(record);
    expect(result).toMatchObject({ value: 1, upperBound: 3, partial: true, present: undefined });
    expect(result.missing).toEqual(['admission.temperature', 'admission.heartRate']);
    expect(result.missingItems).toEqual(['temperature', 'heart rate']);
    expect(itemOf(result, 'temperature')).toMatchObject({ points: null, upTo: 1, input: undefined });
    expect(result.interpretation).toMatch(/^undetermined/);
  });

  it('an either-or criterion met by the value present is not missing', () => {
    const result = sirs(without(healthy({ admission: { paco2: 28 } }), 'admission.respiratoryRate'));
    expect(pointsOf(result, 'respiration')).toBe(1);
    expect(result.partial).toBe(false);
  });

  it('an either-or criterion not met by the value present is not met, not missing the other', () => {
    const result = sirs(without(healthy(), 'admission.bandsPercent'));
    expect(itemOf(result, 'white cells')).toMatchObject({
      points: 0,
      input: { field: 'admission.wbc', value: 8, unit: '10^9/L' },
    });
    expect(result).toMatchObject({ value: 0, upperBound: 0, partial: false, present: false });
  });

  it('is present despite missing criteria once 2 are met', () => {
    const record = without(
      healthy({ admission: { temperature: 39, heartRate: 120 } }),
      'admission.respiratoryRate',
      'admission.paco2',
      'admission.wbc',
      'admission.bandsPercent',
    );
    expect(sirs(record)).toMatchObject({ value: 2, upperBound: 4, partial: true, present: true });
  });
});
