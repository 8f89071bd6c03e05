import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemListFromCsv } from '../../cli/batch-item-list';
import { sap } from '../support/sap-cli';

const CARD = 'models/demo/model-card.json';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-evaluate-csv-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The demo cohort's first rows: studyId, sap, then the card's 16 inputs. */
const [HEADER, ...LINES] = readFileSync('models/demo/cohort.csv', 'utf8').trim().split('\n');
const INPUTS = HEADER!.split(',').slice(2);
const SCORES = ['bisap', 'ranson', 'mctsi', 'sirs', 'glasgowImrie', 'apacheII'];

/**
 * A batch's features.csv joined with the outcome, as R's write.csv writes it: BOM, CRLF, quoted header and
 * strings, NA for missing. bisap is known only for patients without SAP; apacheII for none.
 */
function featuresTable(rows: number, rename: Record<string, string> = {}): string {
  const quote = (s: string) => `"${s}"`;
  const header = ['studyId', 'manifestVersion', ...INPUTS, 'probability', 'riskLevel', ...SCORES, 'sap'];
  const lines = LINES.slice(0, rows).map((line, n) => {
    const [studyId, sap, ...inputs] = line.split(',');
    const scores = [
      sap === '0' ? String(n % 4) : 'NA',
      String(n % 5),
      String(n % 9),
      String(n % 4),
      'NA',
      'NA',
    ];
    return [quote(studyId!), quote('v-1'), ...inputs, '0.5', quote('moderate'), ...scores, sap].join(',');
  });
  const named = header.map((name) => quote(rename[name] ?? name));
  return '\uFEFF' + [named.join(','), ...lines].join('\r\n') + '\r\n';
}

async function write(name: string, text: string) {
  const file = path.join(root, name);
  await writeFile(file, text);
  return file;
}

describe("sap evaluate on a batch's features.csv joined with outcomes", () => {
  it('evaluates the model and the classic-score columns; a one-class score is not estimable, not fatal', async () => {
    const file = await write('features.csv', featuresTable(24));
    const out = path.join(root, 'evaluation');
    const result = await sap('evaluate', file, '--model-card', CARD, '--out', out, '--json');
    expect(result.code).toBe(0);
    const evaluation = JSON.parse(result.out) as {
      events: number;
      warnings: string[];
      systems: { name: string; versusModel?: { patients: number; events: number } }[];
      notEstimable: { name: string; reason: string }[];
      calibration: { groups: number };
    };
    expect(evaluation.systems.map((s) => s.name)).toEqual([
      'sap-fusion-demo demo-1',
      'ranson',
      'mctsi',
      'sirs',
    ]);
    expect(evaluation.systems[1]!.versusModel).toMatchObject({ patients: 24, events: evaluation.events });
    expect(evaluation.notEstimable.map((s) => s.name)).toEqual(['bisap', 'glasgowImrie', 'apacheII']);
    expect(evaluation.notEstimable[0]!.reason).toMatch(
      /^only \d+ patients have a complete bisap, none with SAP/,
    );
    expect(evaluation.warnings[0]).toMatch(/^Only \d of 24 patients had SAP \(fewer than 10\)/);
    expect(evaluation.calibration.groups).toBe(2);
    expect(JSON.parse(await readFile(path.join(out, 'evaluation.json'), 'utf8'))).toEqual(evaluation);
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('Read with care');
    expect(html).toContain('not estimable');
    expect(existsSync(path.join(out, 'importance.svg'))).toBe(true);

    // Text mode: the warning on the console, the paired comparison's patients beside each score.
    const text = await sap('evaluate', file, '--model-card', CARD, '--out', out);
    expect(text.err).toMatch(/^warning: Only \d of 24 patients had SAP/);
    expect(text.out).toMatch(/ranson .* on 24 patients \(\d with SAP\)/);
    expect(text.out).toMatch(/bisap +not estimable: only/);

    // Without the card the model is the probability column: the earlier run's importance chart goes.
    expect((await sap('evaluate', file, '--out', out)).code).toBe(0);
    expect(existsSync(path.join(out, 'importance.svg'))).toBe(false);
  });

  it('refuses a table without a column the card needs, by name, and leaves no earlier report', async () => {
    const out = path.join(root, 'refused');
    expect(
      (await sap('evaluate', await write('good.csv', featuresTable(24)), '--model-card', CARD, '--out', out))
        .code,
    ).toBe(0);
    const file = await write('renamed.csv', featuresTable(24, { dl_probability: 'dl_prob' }));
    const result = await sap('evaluate', file, '--model-card', CARD, '--out', out);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `${file} has no column for the input dl_probability (did you mean the column "dl_prob"?) that the model card ${CARD} needs.`,
    );
    expect(result.err).toContain(`Its inputs: ${INPUTS.join(', ')}`);
    for (const name of ['report.html', 'evaluation.json', 'roc.svg', 'importance.svg'])
      expect(existsSync(path.join(out, name))).toBe(false);
  });

  it('names the outcome column it looked for and the columns there are', async () => {
    const file = await write('no-outcome.csv', 'studyId,severe,bisap\np1,1,3\np2,0,1\n');
    const result = await sap('evaluate', file, '--out', path.join(root, 'x'), '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.err)).toMatchObject({ error: { code: 'TABLE_INVALID' } });
    expect(result.err).toContain('no outcome column \\"sap\\" (the default; name yours with --outcome)');
    expect((await sap('evaluate', file, '--outcome', 'severe', '--out', path.join(root, 'x'))).code).toBe(0);
    expect((await sap('evaluate', '--help')).out).toMatch(/--outcome <column>[\s\S]*\(default: "sap"\)/);
  });
});

describe("sap predict on a batch's features.csv", () => {
  it('passes id and other columns through, with the probabilities the JSON input gives', async () => {
    const file = await write('predict.csv', featuresTable(3));
    const result = await sap('predict', '--model-card', CARD, '--features', file, '--json');
    expect(result.code).toBe(0);
    const { results } = JSON.parse(result.out) as {
      results: { passedThrough: Record<string, string | null>; probability: number }[];
    };
    expect(results.map((r) => r.passedThrough.studyId)).toEqual(['phantom-1', 'phantom-2', 'phantom-3']);
    expect(results[0]!.passedThrough).toMatchObject({
      manifestVersion: 'v-1',
      riskLevel: 'moderate',
      bisap: '0',
      apacheII: 'NA',
    });
    const rows = LINES.slice(0, 3).map((line) =>
      Object.fromEntries(
        line
          .split(',')
          .slice(2)
          .map((v, n) => [INPUTS[n]!, Number(v)]),
      ),
    );
    const json = await sap(
      'predict',
      '--model-card',
      CARD,
      '--features',
      await write('rows.json', JSON.stringify(rows)),
      '--json',
    );
    const expected = (JSON.parse(json.out) as { results: { probability: number }[] }).results;
    expect(results.map((r) => r.probability)).toEqual(expected.map((r) => r.probability));
    expect((await sap('predict', '--model-card', CARD, '--features', file)).out).toMatch(
      /^phantom-1: P\(SAP\) = 0\.\d{4}$/m,
    );
  });

  it('refuses a CSV without an input column; an empty or NA cell is missing', async () => {
    const renamed = await write(
      'predict-renamed.csv',
      featuresTable(3, { dl_probability: 'DL_Probability' }),
    );
    const refused = await sap('predict', '--model-card', CARD, '--features', renamed);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('dl_probability (did you mean the column "DL_Probability"?)');
    const blank = featuresTable(1).replace(/("phantom-1","v-1",)[^,]*,[^,]*/, '$1,NA');
    const result = await sap(
      'predict',
      '--model-card',
      CARD,
      '--features',
      await write('blank.csv', blank),
      '--json',
    );
    const inputs = Object.fromEntries(
      LINES[0]!
        .split(',')
        .slice(2)
        .map((v, n) => [INPUTS[n]!, Number(v)]),
    );
    delete inputs.age;
    delete inputs.sex_male;
    const json = await sap(
      'predict',
      '--model-card',
      CARD,
      '--features',
      await write('one.json', JSON.stringify(inputs)),
      '--json',
    );
    const probability = (r: { out: string }) =>
      (JSON.parse(r.out) as { results: { probability: number }[] }).results[0]!.probability;
    expect(result.code).toBe(0);
    expect(probability(result)).toBe(probability(json));
  });
});

describe('CSV lists and tables as real tools write them', () => {
  it('reads a manifest list with BOM, CRLF and quoted cells', () => {
    expect(
      itemListFromCsv('\uFEFF"site","studyId"\r\n"A, north","s-1"\r\n"B","s-2"\r\n"B","s-1"\r\n'),
    ).toEqual({
      studyIds: ['s-1', 's-2'],
      duplicates: ['s-1'],
      problems: [],
    });
    expect(itemListFromCsv('studyId\ns-1,extra\n').problems[0]).toMatch(/^the manifest list: /);
  });

  it('sap features resumes only a table made with the same card', async () => {
    const studies = path.join(root, 'studies');
    await mkdir(studies, { recursive: true });
    const table = await write('table.csv', `"studyId","age"\r\n"s1",70\r\n`);
    const result = await sap('features', studies, '--masks', studies, '--out', table, '--model-card', CARD);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      `${table} has the columns studyId, age, not this card's (studyId, ${INPUTS.join(', ')})`,
    );
    const same = await write(
      'same.csv',
      `"studyId",${INPUTS.map((n) => `"${n}"`).join(',')}\r\n"s1"${',1'.repeat(16)}\r\n`,
    );
    const resumed = await sap('features', studies, '--masks', studies, '--out', same, '--model-card', CARD);
    expect(resumed).toMatchObject({ code: 0, out: `0 studies written, 1 already in ${same}, 0 rejected` });
  });
});
