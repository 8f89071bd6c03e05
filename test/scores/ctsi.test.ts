import { describe, expect, it } from 'vitest';
import type { CtFindings } from '../../core/ingest/clinical';
import { ctsi, mctsi } from '../../core/scores';
import { healthy, itemOf, pointsOf, without } from './records';

const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
const NECROSIS = ['none', 'up-to-30', '30-to-50', 'over-50'] as const;

describe('CTSI (Balthazar + necrosis)', () => {
  it.each(
    GRADES.flatMap((grade, g) =>
      NECROSIS.map((necrosis, n) => [grade, necrosis, g + [0, 2, 4, 6][n]!] as const),
    ),
  )('grade %s, necrosis %s: %s', (balthazarGrade, necrosis, value) => {
    const result = ctsi(healthy({ ct: { balthazarGrade, necrosis } }));
    expect(result).toMatchObject({ name: 'CTSI', value, max: 10, partial: false });
  });

  it.each([
    [{ balthazarGrade: 'D', necrosis: 'none' }, 3, 'mild (0-3)'],
    [{ balthazarGrade: 'C', necrosis: 'up-to-30' }, 4, 'moderate (4-6)'],
    [{ balthazarGrade: 'C', necrosis: '30-to-50' }, 6, 'moderate (4-6)'],
    [{ balthazarGrade: 'B', necrosis: 'over-50' }, 7, 'severe (7-10)'],
  ] as [CtFindings, number, string][])('bands: %o → %s, %s', (ct, value, interpretation) => {
    expect(ctsi(healthy({ ct }))).toMatchObject({ value, interpretation });
  });

  it('a missing necrosis read is listed; the grade is a lower bound', () => {
    const result = ctsi(without(healthy({ ct: { balthazarGrade: 'E' } }), 'ct.necrosis'));
    expect(result).toMatchObject({ value: 4, upperBound: 10, partial: true, missing: ['ct.necrosis'] });
    expect(itemOf(result, 'necrosis')).toMatchObject({ points: null, upTo: 6 });
    expect(result.interpretation).toMatch(/^undetermined: 4 \(moderate/);
  });

  it('records the grade it read', () => {
    expect(itemOf(ctsi(healthy({ ct: { balthazarGrade: 'D' } })), 'Balthazar grade').input).toEqual({
      field: 'ct.balthazarGrade',
      value: 'D',
      unit: '',
    });
  });
});

describe('MCTSI', () => {
  it.each([
    ['A', 0],
    ['B', 2],
    ['C', 2],
    ['D', 4],
    ['E', 4],
  ] as const)('Balthazar %s: inflammation %s', (balthazarGrade, points) => {
    expect(pointsOf(mctsi(healthy({ ct: { balthazarGrade } })), 'pancreatic inflammation')).toBe(points);
  });

  it('peripancreatic fat necrosis scores inflammation 4', () => {
    const result = mctsi(healthy({ ct: { balthazarGrade: 'B', peripancreaticFatNecrosis: true } }));
    expect(itemOf(result, 'pancreatic inflammation')).toMatchObject({
      points: 4,
      input: { field: 'ct.peripancreaticFatNecrosis', value: true },
    });
  });

  it.each([
    ['none', 0],
    ['up-to-30', 2],
    ['30-to-50', 4],
    ['over-50', 4],
  ] as const)('necrosis %s: %s', (necrosis, points) => {
    expect(pointsOf(mctsi(healthy({ ct: { necrosis } })), 'pancreatic necrosis')).toBe(points);
  });

  it.each([
    [{ admission: { pleuralEffusion: true } }],
    [{ ct: { ascites: true } }],
    [{ ct: { vascularComplication: true } }],
    [{ ct: { parenchymalComplication: true } }],
    [{ ct: { gastrointestinalInvolvement: true } }],
  ])('an extrapancreatic complication %o scores 2', (patch) => {
    expect(pointsOf(mctsi(healthy(patch)), 'extrapancreatic complications')).toBe(2);
  });

  it('several extrapancreatic complications still score 2; none scores 0', () => {
    const both = healthy({ admission: { pleuralEffusion: true }, ct: { ascites: true } });
    expect(pointsOf(mctsi(both), 'extrapancreatic complications')).toBe(2);
    expect(pointsOf(mctsi(healthy()), 'extrapancreatic complications')).toBe(0);
  });

  it.each([
    [{ balthazarGrade: 'A' }, 0, 'mild (0-2)'],
    [{ balthazarGrade: 'B' }, 2, 'mild (0-2)'],
    [{ balthazarGrade: 'C', necrosis: 'up-to-30' }, 4, 'moderate (4-6)'],
    [{ balthazarGrade: 'D', necrosis: 'up-to-30' }, 6, 'moderate (4-6)'],
    [{ balthazarGrade: 'D', necrosis: 'over-50' }, 8, 'severe (8-10)'],
    [{ balthazarGrade: 'E', necrosis: '30-to-50', ascites: true }, 10, 'severe (8-10)'],
  ] as [CtFindings, number, string][])(
    'a complete example %o: %s, %s (always even)',
    (ct, value, interpretation) => {
      const result = mctsi(healthy({ ct }));
      expect(result).toMatchObject({ value, interpretation, partial: false, max: 10 });
      expect(value % 2).toBe(0);
    },
  );

  it('the study fixture: D, ≤ 30 % necrosis, pleural effusion and ascites: 8', () => {
    const record = healthy({
      admission: { pleuralEffusion: true },
      ct: { balthazarGrade: 'D', necrosis: 'up-to-30', ascites: true },
    });
    expect(mctsi(record)).toMatchObject({ value: 8, cutOff: { met: true } });
  });

  it('fat necrosis not reported leaves inflammation open below 4', () => {
    const result = mctsi(without(healthy({ ct: { balthazarGrade: 'C' } }), 'ct.peripancreaticFatNecrosis'));
    expect(itemOf(result, 'pancreatic inflammation')).toMatchObject({
      points: 2,
      upTo: 4,
      missing: ['ct.peripancreaticFatNecrosis'],
    });
    expect(result).toMatchObject({ value: 2, upperBound: 4, partial: true });
  });

  it('fat necrosis does not matter for a collection (grade D)', () => {
    const result = mctsi(without(healthy({ ct: { balthazarGrade: 'D' } }), 'ct.peripancreaticFatNecrosis'));
    expect(result.partial).toBe(false);
  });

  it('a missing grade with no fat necrosis reported lists both', () => {
    const result = mctsi(without(healthy(), 'ct.balthazarGrade', 'ct.peripancreaticFatNecrosis'));
    expect(itemOf(result, 'pancreatic inflammation')).toMatchObject({
      points: null,
      missing: ['ct.balthazarGrade', 'ct.peripancreaticFatNecrosis'],
    });
  });

  it('extrapancreatic complications: one present is enough; none present with some unreported is missing', () => {
    const known = mctsi(without(healthy({ ct: { ascites: true } }), 'ct.vascularComplication'));
    expect(known.partial).toBe(false);
    const open = mctsi(without(healthy(), 'admission.pleuralEffusion', 'ct.gastrointestinalInvolvement'));
    expect(itemOf(open, 'extrapancreatic complications')).toMatchObject({
      points: null,
      upTo: 2,
      missing: ['admission.pleuralEffusion', 'ct.gastrointestinalInvolvement'],
    });
    expect(open).toMatchObject({ value: 0, upperBound: 2, partial: true });
  });

  it('without a CT read everything is missing', () => {
    const record = { ...healthy(), ct: {} };
    const result = mctsi(record);
    expect(result).toMatchObject({ value: 0, upperBound: 10, partial: true });
    expect(ctsi(record)).toMatchObject({
      value: 0,
      upperBound: 10,
      missing: ['ct.balthazarGrade', 'ct.necrosis'],
    });
  });
});
