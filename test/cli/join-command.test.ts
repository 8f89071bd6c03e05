import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvText, readCsvTable } from '../../core/batch/csv';
import { stratifiedHoldout } from '../../core/batch/holdout';
import { sap } from '../support/sap-cli';

let dir: string;
const file = async (name: string, records: string[][]) => {
  const target = path.join(dir, name);
  await writeFile(target, csvText(records));
  return target;
};
/** A batch's features.csv of `n` studies s01…, as the batch writes it. */
const features = (n: number) => [
  ['studyId', 'manifestVersion', 'age', 'bisap'],
  ...Array.from({ length: n }, (_, i) => [
    `s${String(i + 1).padStart(2, '0')}`,
    `"v${i}"`,
    String(40 + i),
    '',
  ]),
];
/** Outcomes of the same studies, every third one SAP, in another order (R's write.csv quotes them). */
const outcomes = (n: number, outcome = 'sap') => [
  ['studyId', outcome],
  ...Array.from({ length: n }, (_, i) => [
    `s${String(n - i).padStart(2, '0')}`,
    (n - i) % 3 === 0 ? '1' : '0',
  ]),
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sap-join-'));
});

describe('sap join', () => {
  it('joins the outcome by study id, keeping the features table as written, and prints rows and events', async () => {
    const out = path.join(dir, 'joined');
    const run = await sap(
      'join',
      await file('f.csv', features(6)),
      await file('o.csv', outcomes(6)),
      '--out',
      out,
    );
    expect(run.code).toBe(0);
    expect(run.out).toBe(`${path.join(out, 'table.csv')}: 6 rows, 2 with sap = 1, 4 with 0`);
    const table = readCsvTable(await readFile(path.join(out, 'table.csv'), 'utf8'), 'table.csv');
    expect(table.columns).toEqual(['studyId', 'manifestVersion', 'age', 'bisap', 'sap']);
    expect(table.rows.map((r) => [r.studyId, r.manifestVersion, r.bisap, r.sap])).toEqual([
      ['s01', '"v0"', null, '0'],
      ['s02', '"v1"', null, '0'],
      ['s03', '"v2"', null, '1'],
      ['s04', '"v3"', null, '0'],
      ['s05', '"v4"', null, '0'],
      ['s06', '"v5"', null, '1'],
    ]);
  });

  it('splits off a held-out set stratified by outcome, the same for the same seed', async () => {
    const f = await file('f20.csv', features(20));
    const o = await file('o20.csv', outcomes(20, 'severe'));
    const split = async (out: string, seed: string) => {
      const run = await sap(
        'join',
        f,
        o,
        '--out',
        out,
        '--outcome',
        'severe',
        '--holdout',
        '0.3',
        '--seed',
        seed,
      );
      expect(run.code).toBe(0);
      const read = async (name: string) =>
        readCsvTable(await readFile(path.join(out, name), 'utf8'), name).rows.map(
          (r) => `${r.studyId}:${r.severe}`,
        );
      return { run, train: await read('train.csv'), heldOut: await read('held-out.csv') };
    };
    const a = await split(path.join(dir, 'a'), '7');
    // 6 events and 14 non-events: round(0.3 × 6) = 2 and round(0.3 × 14) = 4 held out.
    expect(a.run.out).toContain(`${path.join(dir, 'a', 'train.csv')}: 14 rows, 4 with severe = 1, 10 with 0`);
    expect(a.run.out).toContain(
      `${path.join(dir, 'a', 'held-out.csv')}: 6 rows, 2 with severe = 1, 4 with 0`,
    );
    expect(a.run.out).toContain('held out 0.3 of each outcome class, seed 7');
    expect([...a.train, ...a.heldOut].sort()).toHaveLength(20);
    expect(new Set([...a.train, ...a.heldOut]).size).toBe(20);
    const again = await split(path.join(dir, 'b'), '7');
    expect(again.heldOut).toEqual(a.heldOut);
    const other = await split(path.join(dir, 'c'), '8');
    expect(other.heldOut).not.toEqual(a.heldOut);
  });

  it('refuses unmatched and repeated ids and outcomes other than 0/1, with counts and ids only', async () => {
    const f = await file('bad-f.csv', [...features(4), ['s02', 'x', '50', '']]);
    const o = await file('bad-o.csv', [
      ['studyId', 'sap'],
      ['s01', '1'],
      ['s02', 'yes'],
      ['s03', ''],
    ]);
    const run = await sap('join', f, o, '--out', path.join(dir, 'never'));
    expect(run.code).toBe(1);
    expect(run.err).toContain('1 studyId of ' + f + ' appears more than once: s02');
    expect(run.err).toContain(`1 row of ${f} has no studyId in ${o}: s04`);
    expect(run.err).toContain(`2 rows of ${o} have sap other than 0 or 1 (empty included): s02, s03`);
    expect(run.err).not.toContain('yes');
  });

  it('names a missing outcome column and leaves out (and reports) outcomes of studies the batch lacks', async () => {
    const f = await file('f3.csv', features(3));
    const missing = await sap(
      'join',
      f,
      await file('o-other.csv', outcomes(3, 'severe')),
      '--out',
      path.join(dir, 'x'),
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/has no sap column \(choose the outcome column with --outcome\)/);
    const extra = await sap('join', f, await file('o5.csv', outcomes(5)), '--out', path.join(dir, 'y'));
    expect(extra.code).toBe(0);
    expect(extra.out).toMatch(/3 rows, 1 with sap = 1/);
    expect(extra.err).toMatch(/2 studyId\(s\) of .*o5\.csv have no row in .*f3\.csv .* left out/);
  });

  it('refuses a held-out fraction outside (0, 1) as a usage error', async () => {
    const run = await sap('join', 'a.csv', 'b.csv', '--out', dir, '--holdout', '1.5');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/a number between 0 and 1/);
  });
});

describe('stratifiedHoldout', () => {
  const rows = Array.from({ length: 10 }, (_, i) => ({ id: `p${i}`, y: i < 3 ? '1' : '0' }));
  const split = (input: typeof rows, fraction: number, seed = 1) =>
    stratifiedHoldout(input, { fraction, seed, id: (r) => r.id, outcome: (r) => r.y });

  it('does not depend on the order of the rows, and keeps each part in the rows’ order', () => {
    const a = split(rows, 0.3);
    const b = split([...rows].reverse(), 0.3);
    expect(b.heldOut.map((r) => r.id).sort()).toEqual(a.heldOut.map((r) => r.id).sort());
    expect(a.heldOut.map((r) => r.id)).toEqual(a.heldOut.map((r) => r.id).sort());
  });

  it('holds out at least one of each class of two or more, never a whole class', () => {
    const small = split(rows, 0.01);
    expect(small.heldOut.map((r) => r.y).sort()).toEqual(['0', '1']);
    const large = split(rows, 0.99);
    expect(large.train.map((r) => r.y).sort()).toEqual(['0', '1']);
    expect(split([{ id: 'only', y: '1' }, ...rows.slice(3)], 0.5).train.map((r) => r.id)).toContain('only');
  });
});
