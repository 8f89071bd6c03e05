import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../../cli/main';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const DEMO_CARD = 'models/demo/model-card.json';
const demoCard = JSON.parse(readFileSync(DEMO_CARD, 'utf8')) as { features: object[] };
const misspelt = [
  { name: 'triglycerides', source: 'clinical', path: 'admission.triglyceride' },
  { name: 'mean_hu', source: 'radiomics', path: 'stat_meen' },
  { name: 'dl_probability', source: 'inference', path: 'probability' },
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sap-check-card-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sap check-card', () => {
  it('passes the demo card and its bare features list, with the feature count', async () => {
    const card = await run('check-card', DEMO_CARD);
    expect(card).toMatchObject({ code: EXIT.ok, out: expect.stringMatching(/^ok: .*16 feature\(s\)/) });
    const list = path.join(dir, 'features.json');
    await writeFile(list, JSON.stringify(demoCard.features));
    const json = await run('check-card', list, '--json');
    expect(json.code).toBe(EXIT.ok);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, kind: 'features', features: 16 });
  });

  it('exits 1 with each path that names nothing, and "did you mean"; as a list with --json', async () => {
    const list = path.join(dir, 'misspelt.json');
    await writeFile(list, JSON.stringify(misspelt));
    const text = await run('check-card', list);
    expect(text.code).toBe(EXIT.rejected);
    expect(text.out).toContain('2 problem(s)');
    expect(text.out).toContain('did you mean "admission.triglycerides"?');
    const json = await run('check-card', list, '--json');
    const report = JSON.parse(json.out) as { ok: boolean; problems: string[] };
    expect(json.code).toBe(EXIT.rejected);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringContaining('"admission.triglyceride"'),
      expect.stringContaining('did you mean "stat_mean"?'),
    ]);
  });

  it('refuses a file that is not JSON by name', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"schemaVersion": 1,');
    const result = await run('check-card', file);
    expect(result.code).toBe(EXIT.rejected);
    expect(result.out).toContain('not valid JSON');
  });
});

describe('sap predict with a card whose paths name nothing', () => {
  it('refuses the card with MODEL_CARD_INVALID (exit 1), not a score with inputs missing', async () => {
    const folder = path.join(dir, 'site');
    await mkdir(folder);
    await copyFile('models/demo/model.ubj', path.join(folder, 'model.ubj'));
    const card = { ...demoCard, features: [...demoCard.features.slice(0, 15), misspelt[1]] };
    await writeFile(path.join(folder, 'model-card.json'), JSON.stringify(card));
    const rows = path.join(dir, 'rows.json');
    await writeFile(rows, JSON.stringify({ age: 50 }));
    const result = await run(
      'predict',
      '--model-card',
      path.join(folder, 'model-card.json'),
      '--features',
      rows,
      '--json',
    );
    expect(result.code).toBe(EXIT.rejected);
    const error = JSON.parse(result.err) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('MODEL_CARD_INVALID');
    expect(error.error.message).toContain('did you mean "stat_mean"?');
  });
});
