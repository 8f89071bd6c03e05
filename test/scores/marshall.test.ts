import { describe, expect, it } from 'vitest';
import { modifiedMarshall } from '../../core/scores';
import { healthy, itemOf, pointsOf, without } from './records';

describe('modified Marshall', () => {
  it('scores 0 in every system on a normal record: no organ failure', () => {
    const result = modifiedMarshall(healthy({ admission: { pao2: 95 } }));
    expect(result).toMatchObject({
      value: 0,
      max: 12,
      partial: false,
      organFailure: false,
      failingSystems: [],
      systems: { respiratory: 0, renal: 0, cardiovascular: 0 },
    });
  });

  it.each([
    [401, 0],
    [400, 1],
    [301, 1],
    [300.5, 1],
    [300, 2],
    [201, 2],
    [200, 3],
    [102, 3],
    [101.5, 3],
    [101, 4], // scores.md: exactly 101 scores 4
    [100, 4],
  ])('PaO2/FiO2 %s scores %s', (pao2, points) => {
    const result = modifiedMarshall(healthy({ admission: { pao2, fio2: 1 } }));
    expect(pointsOf(result, 'respiratory')).toBe(points);
  });

  it('computes PaO2/FiO2 from the record (84 mmHg on room air is 400)', () => {
    const result = modifiedMarshall(healthy({ admission: { pao2: 84, fio2: 0.21 } }));
    expect(itemOf(result, 'respiratory')).toMatchObject({
      points: 1,
      input: { field: 'admission.pao2 / admission.fio2', value: 400, unit: 'mmHg' },
    });
  });

  it.each([
    [134, 0],
    [133, 0],
    [134.5, 1],
    [169, 1],
    [169.5, 2], // the gap between 169 and 170 goes to the band above
    [170, 2],
    [310, 2],
    [310.5, 3],
    [311, 3],
    [439, 3],
    [440, 4],
  ])('creatinine %s µmol/L scores %s (µmol/L column, default)', (creatinine, points) => {
    expect(pointsOf(modifiedMarshall(healthy({ admission: { creatinine } })), 'renal')).toBe(points);
  });

  it.each([
    [1.39, 0],
    [1.4, 1],
    [1.8, 1],
    [1.85, 2], // the 1.8-1.9 gap: 2
    [1.9, 2],
    [3.6, 2], // in two bands: 2
    [3.7, 3],
    [4.9, 3],
    [4.95, 4],
  ])('creatinine %s mg/dL (× 88.4) scores %s with the mg/dL column', (mgdl, points) => {
    const record = healthy({ admission: { creatinine: Number((mgdl * 88.4).toPrecision(6)) } });
    expect(pointsOf(modifiedMarshall(record, 'mg/dL'), 'renal')).toBe(points);
  });

  it('the two creatinine columns differ between 1.4 mg/dL (123.8) and 134 µmol/L', () => {
    const record = healthy({ admission: { creatinine: 130 } });
    expect(pointsOf(modifiedMarshall(record), 'renal')).toBe(0);
    expect(pointsOf(modifiedMarshall(record, 'mg/dL'), 'renal')).toBe(1);
  });

  it.each([
    [{ sbp: 91 }, 0, undefined],
    [{ sbp: 90 }, 0, undefined], // not covered by the table: 0
    [{ sbp: 89, ph: 7.35 }, 1, 2],
    [{ sbp: 89, ph: 7.3 }, 1, 2],
    [{ sbp: 89, ph: 7.29 }, 3, undefined],
    [{ sbp: 89, ph: 7.2 }, 3, undefined],
    [{ sbp: 89, ph: 7.19 }, 4, undefined],
  ])('cardiovascular %o scores %s (up to %s)', (admission, points, upTo) => {
    const item = itemOf(modifiedMarshall(healthy({ admission })), 'cardiovascular');
    expect(item.points).toBe(points);
    expect(item.upTo).toBe(upTo);
  });

  it('SBP < 90 without fluid response or pH: 1 counted, up to 4, both listed', () => {
    const result = modifiedMarshall(without(healthy({ admission: { sbp: 80 } }), 'admission.ph'));
    expect(itemOf(result, 'cardiovascular')).toMatchObject({
      points: 1,
      upTo: 4,
      missing: ['admission.ph', 'fluidResponse'],
    });
    expect(result).toMatchObject({ organFailure: undefined, partial: true, systems: { cardiovascular: 1 } });
  });

  it('organ failure: any system ≥ 2', () => {
    const result = modifiedMarshall(healthy({ admission: { creatinine: 200, pao2: 60, fio2: 0.21 } }));
    // P/F 285.7: 2; creatinine 200: 2
    expect(result).toMatchObject({
      value: 4,
      organFailure: true,
      failingSystems: ['respiratory', 'renal'],
      cutOff: { met: true },
    });
    expect(result.interpretation).toBe('organ failure (respiratory, renal ≥ 2)');
  });

  it('organ failure is known despite missing inputs once one system reaches 2', () => {
    const result = modifiedMarshall(without(healthy({ admission: { creatinine: 250 } }), 'admission.fio2'));
    expect(result).toMatchObject({ organFailure: true, partial: true, missing: ['admission.fio2'] });
    expect(result.systems.respiratory).toBeNull();
  });

  it('a missing FiO2 is not assumed to be room air', () => {
    const result = modifiedMarshall(without(healthy(), 'admission.fio2'));
    expect(itemOf(result, 'respiratory')).toMatchObject({
      points: null,
      upTo: 4,
      missing: ['admission.fio2'],
    });
    expect(result).toMatchObject({ value: 0, upperBound: 4, organFailure: undefined });
  });
});
