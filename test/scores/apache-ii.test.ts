import { describe, expect, it } from 'vitest';
import type { AdmissionValues } from '../../core/ingest/clinical';
import { apacheII } from '../../core/scores';
import { healthy, itemOf, pointsOf, without } from './records';

type Row = [item: string, field: keyof AdmissionValues, [value: number, points: number][]];

/** Each band's ends and the values just outside (Knaus 1985 as tabulated in scores.md section 7). */
// prettier-ignore
const ROWS: Row[] = [
  ['temperature', 'temperature', [[41, 4], [40.9, 3], [39, 3], [38.9, 1], [38.5, 1], [38.4, 0], [36, 0], [35.9, 1], [34, 1], [33.9, 2], [32, 2], [31.9, 3], [30, 3], [29.9, 4]]],
  ['mean arterial pressure', 'map', [[160, 4], [159, 3], [130, 3], [129, 2], [110, 2], [109, 0], [70, 0], [69, 2], [50, 2], [49, 4]]],
  ['heart rate', 'heartRate', [[180, 4], [179, 3], [140, 3], [139, 2], [110, 2], [109, 0], [70, 0], [69, 2], [55, 2], [54, 3], [40, 3], [39, 4]]],
  ['respiratory rate', 'respiratoryRate', [[50, 4], [49, 3], [35, 3], [34, 1], [25, 1], [24, 0], [12, 0], [11, 1], [10, 1], [9, 2], [6, 2], [5, 4]]],
  ['arterial pH', 'ph', [[7.7, 4], [7.69, 3], [7.6, 3], [7.59, 1], [7.5, 1], [7.49, 0], [7.33, 0], [7.32, 2], [7.25, 2], [7.24, 3], [7.15, 3], [7.14, 4]]],
  ['sodium', 'sodium', [[180, 4], [179, 3], [160, 3], [159, 2], [155, 2], [154, 1], [150, 1], [149, 0], [130, 0], [129, 2], [120, 2], [119, 3], [111, 3], [110, 4]]],
  ['potassium', 'potassium', [[7, 4], [6.9, 3], [6, 3], [5.9, 1], [5.5, 1], [5.4, 0], [3.5, 0], [3.4, 1], [3, 1], [2.9, 2], [2.5, 2], [2.4, 4]]],
  ['haematocrit', 'haematocrit', [[60, 4], [59.9, 2], [50, 2], [49.9, 1], [46, 1], [45.9, 0], [30, 0], [29.9, 2], [20, 2], [19.9, 4]]],
  ['WBC', 'wbc', [[40, 4], [39.9, 2], [20, 2], [19.9, 1], [15, 1], [14.9, 0], [3, 0], [2.9, 2], [1, 2], [0.9, 4]]],
  ['age', 'age', [[44, 0], [45, 2], [54, 2], [55, 3], [64, 3], [65, 5], [74, 5], [75, 6]]],
  ['Glasgow Coma Scale', 'gcs', [[15, 0], [14, 1], [8, 7], [3, 12]]],
];

describe('APACHE II: bands', () => {
  it.each(
    ROWS.flatMap(([item, field, cases]) =>
      cases.map(([value, points]) => [item, value, points, field] as const),
    ),
  )('%s %s scores %s', (item, value, points, field) => {
    expect(pointsOf(apacheII(healthy({ admission: { [field]: value } })), item)).toBe(points);
  });

  it.each([
    [3.5, 4],
    [3.4, 3],
    [2, 3],
    [1.9, 2],
    [1.5, 2],
    [1.4, 0],
    [0.6, 0],
    [0.5, 2],
  ])('creatinine %s mg/dL (× 88.4 µmol/L) scores %s', (mgdl, points) => {
    const record = healthy({ admission: { creatinine: Number((mgdl * 88.4).toPrecision(6)) } });
    expect(pointsOf(apacheII(record), 'creatinine')).toBe(points);
  });

  it('doubles creatinine points in acute renal failure, and leaves it open when ARF is not sent', () => {
    const creatinine = 176.8; // 2.0 mg/dL: 3
    expect(
      pointsOf(apacheII(healthy({ admission: { creatinine, acuteRenalFailure: true } })), 'creatinine'),
    ).toBe(6);
    expect(pointsOf(apacheII(healthy({ admission: { creatinine } })), 'creatinine')).toBe(3);
    const open = apacheII(without(healthy({ admission: { creatinine } }), 'admission.acuteRenalFailure'));
    expect(itemOf(open, 'creatinine')).toMatchObject({
      points: 3,
      upTo: 6,
      missing: ['admission.acuteRenalFailure'],
    });
    const normal = apacheII(without(healthy(), 'admission.acuteRenalFailure'));
    expect(normal.partial).toBe(false);
  });

  it.each([
    [71, 0],
    [70, 1],
    [61, 1],
    [60, 3],
    [55, 3],
    [54, 4],
  ])('FiO2 < 0.5: PaO2 %s mmHg scores %s', (pao2, points) => {
    expect(pointsOf(apacheII(healthy({ admission: { pao2, fio2: 0.4 } })), 'oxygenation')).toBe(points);
  });

  it.each([
    [163, 500, 4],
    [164, 499, 3],
    [313, 350, 3],
    [314, 349, 2],
    [463, 200, 2],
    [464, 199, 0],
  ])('FiO2 1.0, PaCO2 40: PaO2 %s gives A-a gradient %s, %s points', (pao2, gradient, points) => {
    const item = itemOf(apacheII(healthy({ admission: { pao2, paco2: 40, fio2: 1 } })), 'oxygenation');
    expect(item).toMatchObject({ points, input: { value: gradient, unit: 'mmHg' } });
  });

  it('FiO2 exactly 0.5 uses the A-a gradient', () => {
    // 0.5 × 713 − 40 / 0.8 − 100 = 206.5
    const item = itemOf(apacheII(healthy({ admission: { pao2: 100, paco2: 40, fio2: 0.5 } })), 'oxygenation');
    expect(item).toMatchObject({ points: 2, input: { value: 206.5 } });
  });

  it.each([
    [24, 0],
    [17, 3],
    [14, 4],
    [35, 1],
  ])('without a blood gas pH, HCO3 %s mmol/L scores %s', (bicarbonate, points) => {
    const record = without(healthy({ admission: { bicarbonate } }), 'admission.ph');
    expect(itemOf(apacheII(record), 'arterial pH')).toMatchObject({
      points,
      input: { field: 'admission.bicarbonate' },
    });
  });

  it.each([
    ['none', 0],
    ['nonoperative', 5],
    ['emergency-postoperative', 5],
    ['elective-postoperative', 2],
  ] as const)('chronic health %s: %s points', (severeChronicDisease, points) => {
    const result = apacheII(healthy({ admission: { severeChronicDisease } }));
    expect(result).toMatchObject({ chronicHealthPoints: points, value: points });
  });
});

describe('APACHE II: totals', () => {
  it('a complete example: 17 (acute physiology 12 + age 5 + chronic health 0), severe', () => {
    const record = healthy({
      admission: {
        age: 68, // 5
        temperature: 38.7, // 1
        map: 65, // 2
        heartRate: 125, // 2
        respiratoryRate: 28, // 1
        pao2: 68, // 1 (FiO2 0.21)
        ph: 7.3, // 2
        sodium: 134, // 0
        potassium: 3.2, // 1
        creatinine: 110, // 1.24 mg/dL: 0
        haematocrit: 47, // 1
        wbc: 13, // 0
        gcs: 14, // 1
      },
    });
    const result = apacheII(record);
    expect(result).toMatchObject({
      value: 17,
      max: 71,
      acutePhysiology: 12,
      agePoints: 5,
      chronicHealthPoints: 0,
      partial: false,
      interpretation: 'severe AP (≥ 8)',
      cutOff: { met: true },
    });
  });

  it('names exactly the missing items and fields, and counts nothing for them', () => {
    const record = without(
      healthy({ admission: { heartRate: 120 } }),
      'admission.fio2',
      'admission.sodium',
      'admission.ph',
      'admission.bicarbonate',
      'admission.age',
      'admission.severeChronicDisease',
    );
    const result = apacheII(record);
    expect(result.missingItems).toEqual(['oxygenation', 'arterial pH', 'sodium', 'age', 'chronic health']);
    expect(result.missing).toEqual([
      'admission.fio2',
      'admission.ph',
      'admission.bicarbonate',
      'admission.sodium',
      'admission.age',
      'admission.severeChronicDisease',
    ]);
    expect(result).toMatchObject({
      value: 2,
      upperBound: 2 + 4 + 4 + 4 + 6 + 5,
      partial: true,
      agePoints: null,
      chronicHealthPoints: null,
      acutePhysiology: 2,
      cutOff: { met: undefined },
    });
  });

  it('a missing PaCO2 matters only when FiO2 ≥ 0.5', () => {
    expect(apacheII(without(healthy(), 'admission.paco2')).partial).toBe(false);
    const high = apacheII(without(healthy({ admission: { fio2: 0.6 } }), 'admission.paco2'));
    expect(itemOf(high, 'oxygenation')).toMatchObject({ points: null, missing: ['admission.paco2'] });
  });

  it('a missing MAP is listed (MAP is derived at ingest only from SBP and DBP)', () => {
    expect(apacheII(without(healthy(), 'admission.map')).missing).toEqual(['admission.map']);
  });
});
