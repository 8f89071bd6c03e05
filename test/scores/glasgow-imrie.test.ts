import { describe, expect, it } from 'vitest';
import { glasgowImrie } from '../../core/scores';
import { healthy, itemOf, pointsOf, without } from './records';

describe('Glasgow-Imrie', () => {
  it('scores 0 of 8 on a normal record, complete', () => {
    expect(glasgowImrie(healthy())).toMatchObject({
      value: 0,
      max: 8,
      partial: false,
      cutOff: { met: false },
    });
  });

  it.each([
    ['PaO2', { pao2: 60 }, 0],
    ['PaO2', { pao2: 59.9 }, 1],
    ['PaO2', { pao2: 60.1 }, 0],
    ['WBC', { wbc: 15 }, 0],
    ['WBC', { wbc: 15.1 }, 1],
    ['WBC', { wbc: 14.9 }, 0],
    ['calcium', { calcium: 2 }, 0],
    ['calcium', { calcium: 1.99 }, 1],
    ['calcium', { calcium: 2.01 }, 0],
    ['urea', { urea: 16 }, 0],
    ['urea', { urea: 16.1 }, 1],
    ['urea', { urea: 15.9 }, 0],
    ['LDH', { ldh: 600 }, 0],
    ['LDH', { ldh: 601 }, 1],
    ['LDH', { ldh: 599 }, 0],
    ['albumin', { albumin: 32 }, 0],
    ['albumin', { albumin: 31.9 }, 1],
    ['albumin', { albumin: 32.1 }, 0],
    ['glucose', { glucose: 10 }, 0],
    ['glucose', { glucose: 10.1 }, 1],
    ['glucose', { glucose: 9.9 }, 0],
  ])('%s %o within 48 h scores %s', (item, h48, points) => {
    expect(pointsOf(glasgowImrie(healthy({ h48 })), item)).toBe(points);
  });

  it.each([
    [55, 0],
    [56, 1],
    [54, 0],
  ])('age %s scores %s (> 55)', (age, points) => {
    expect(pointsOf(glasgowImrie(healthy({ admission: { age } })), 'age')).toBe(points);
  });

  it('does not count AST (only some versions add AST > 200 U/L)', () => {
    expect(glasgowImrie(healthy({ h48: { ast: 400 } })).value).toBe(0);
  });

  it('a complete example: 5 of 8, severe', () => {
    const record = healthy({
      admission: { age: 67 },
      h48: { pao2: 55, wbc: 18, calcium: 1.8, urea: 12, ldh: 450, albumin: 28, glucose: 9 },
    });
    const result = glasgowImrie(record);
    expect(result).toMatchObject({
      value: 5,
      partial: false,
      interpretation: 'severe (≥ 3)',
      cutOff: { met: true },
    });
    // PaO2, age, WBC, calcium, urea, LDH, albumin, glucose
    expect(result.items.map((item) => item.points)).toEqual([1, 1, 1, 1, 0, 0, 1, 0]);
  });

  it('an abnormal admission value counts for a missing h48 value; a normal one leaves it missing', () => {
    const record = without(healthy({ admission: { albumin: 30, glucose: 6 } }), 'h48.albumin', 'h48.glucose');
    const result = glasgowImrie(record);
    expect(itemOf(result, 'albumin')).toMatchObject({
      points: 1,
      input: { field: 'admission.albumin', value: 30 },
    });
    expect(itemOf(result, 'glucose')).toMatchObject({ points: null, upTo: 1, missing: ['h48.glucose'] });
    expect(result).toMatchObject({ value: 1, upperBound: 2, partial: true, missing: ['h48.glucose'] });
  });

  it('an abnormal admission value counts even when the worst 48 h value sent is normal', () => {
    // The criterion is met by any value within 48 h, the admission one included.
    expect(pointsOf(glasgowImrie(healthy({ admission: { wbc: 16 }, h48: { wbc: 9 } })), 'WBC')).toBe(1);
  });

  it('a partial record: missing items listed, not counted, severity left open', () => {
    const record = without(
      healthy({ admission: { age: 70 }, h48: { calcium: 1.9 } }),
      'admission.age',
      'h48.pao2',
      'admission.pao2',
      'h48.ldh',
      'admission.ldh',
    );
    const result = glasgowImrie(record);
    expect(result).toMatchObject({ value: 1, upperBound: 4, partial: true, cutOff: { met: undefined } });
    expect(result.missing).toEqual(['h48.pao2', 'admission.age', 'h48.ldh']);
    expect(result.missingItems).toEqual(['PaO2', 'age', 'LDH']);
  });
});
