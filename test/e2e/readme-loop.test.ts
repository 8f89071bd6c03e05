import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sap } from '../support/sap-cli';
import { readCsvTable } from '../../core/batch/csv';

/**
 * The README's own-data loop ("Retraining the fusion model on your own patients"), command by command, on a
 * small phantom cohort: phantoms, features batch, join with a held-out set, train, check-card, evaluate
 * against the classic scores, predict, serve with the site model + submit + status, batch rescore.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SAP = path.join(REPO, 'bin/sap.js');
const hasXgboost = spawnSync('/usr/bin/python3', ['-c', 'import xgboost, numpy']).status === 0;
if (!hasXgboost) console.warn('README loop skipped: install python3-xgboost and python3-numpy (apt)');

const root = await mkdtemp(path.join(tmpdir(), 'sap-readme-loop-'));
const at = (name: string) => path.join(root, name);
const cohort = at('cohort');
const dataDir = at('data');
const site = at('models/site-1');
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGINT');
});

describe.skipIf(!hasXgboost)('the README own-data loop', () => {
  it('runs as written on a small phantom cohort', { timeout: 300_000 }, async () => {
    // 12 studies: 4 severe by the phantoms' rule.
    const phantoms = await sap('phantoms', cohort, '--count', '12');
    expect(phantoms.code, phantoms.err).toBe(0);
    expect(phantoms.out).toMatch(/12 study folders .* 4 severe/);

    const features = await sap(
      ...['batch', 'run', cohort, '--mode', 'features', '--out', at('table'), '--data-dir', dataDir],
    );
    expect(features.code, features.err + features.out).toBe(0);
    const table = readCsvTable(await readFile(at('table/features.csv'), 'utf8'), 'features.csv');
    expect(table.rows).toHaveLength(12);
    expect(table.columns).toEqual(
      expect.arrayContaining([
        'studyId',
        'dl_probability',
        'bisap',
        'ranson',
        'mctsi',
        'sirs',
        'glasgowImrie',
        'apacheII',
      ]),
    );
    expect(table.rows.filter((r) => r.bisap !== null).length).toBeGreaterThan(0);

    const join = await sap(
      ...['join', at('table/features.csv'), path.join(cohort, 'outcomes.csv'), '--out', at('split')],
      ...['--holdout', '0.4', '--seed', '1'],
    );
    expect(join.code, join.err).toBe(0);
    // 4 events and 8 non-events: round(0.4 × 4) = 2 and round(0.4 × 8) = 3 held out.
    expect(join.out).toContain(`${at('split/train.csv')}: 7 rows, 2 with sap = 1, 5 with 0`);
    expect(join.out).toContain(`${at('split/held-out.csv')}: 5 rows, 2 with sap = 1, 3 with 0`);

    const train = spawnSync(
      '/usr/bin/python3',
      [
        ...['scripts/train-fusion-model.py', '--table', at('split/train.csv')],
        ...['--features', 'models/demo/features.json', '--out', site, '--name', 'my-site', '--version', '1'],
        ...['--description', 'Site model, adults with AP', '--intended-use', 'Research only'],
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(train.status, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/7 studies, 2 SAP; in-sample AUC/);
    expect(train.stdout).toMatch(/cross-validated AUC \d\.\d{3} \(2-fold stratified/);
    expect(train.stderr).toMatch(/warning: only 2 patients in the smaller outcome class/);

    const card = path.join(site, 'model-card.json');
    const check = await sap('check-card', card);
    expect(check.code, check.err).toBe(0);

    const evaluation = await sap(
      'evaluate',
      at('split/held-out.csv'),
      '--model-card',
      card,
      '--out',
      at('evaluation'),
    );
    expect(evaluation.code, evaluation.err).toBe(0);
    expect(existsSync(at('evaluation/report.html'))).toBe(true);
    expect(evaluation.out + evaluation.err).toMatch(/bisap/i);

    const predict = await sap(
      'predict',
      '--model-card',
      card,
      '--features',
      at('split/held-out.csv'),
      '--json',
    );
    expect(predict.code, predict.err).toBe(0);
    expect((JSON.parse(predict.out) as { results: unknown[] }).results).toHaveLength(5);

    // sap serve --models with the site model, in its own process as a user runs it; --json prints the endpoints.
    // From the TypeScript sources (SAP_CLI_FROM_SOURCE), as every other step here runs, so no build is needed.
    const serve = spawn(process.execPath, [SAP, '--json', 'serve', '--models', site, '--data-dir', dataDir], {
      cwd: REPO,
      env: { ...process.env, SAP_CLI_FROM_SOURCE: '1' },
    });
    children.push(serve);
    const stack = await new Promise<{
      apiUrl: string;
      models: { kind: string; name: string; version: string }[];
    }>((resolve, reject) => {
      let text = '';
      serve.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        try {
          resolve(JSON.parse(text));
        } catch {
          // Not the whole document yet.
        }
      });
      serve.on('exit', (code) => reject(new Error(`sap serve exited ${code} before it was up`)));
    });
    expect(stack.models[0]).toMatchObject({ kind: 'xgboost', name: 'my-site', version: '1' });
    const submit = await sap('submit', path.join(cohort, 'phantom-001'), '--endpoint', stack.apiUrl);
    expect(submit.code, submit.err).toBe(0);
    const studyId = submit.out.trim();
    const status = await sap('--json', 'status', studyId, '--wait', '--endpoint', stack.apiUrl);
    expect(status.code, status.err).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({
      status: 'COMPLETED',
      result: { models: { xgboost: { name: 'my-site', version: '1' } } },
    });
    serve.kill('SIGINT');
    await new Promise((resolve) => serve.once('exit', resolve));

    const rescore = await sap(
      ...['batch', 'run', cohort, '--mode', 'rescore', '--model-version', '1', '--out', at('rescored')],
      ...['--data-dir', dataDir],
    );
    expect(rescore.code, rescore.err + rescore.out).toBe(0);
    const rescored = readCsvTable(await readFile(at('rescored/features.csv'), 'utf8'), 'features.csv');
    expect(rescored.rows).toHaveLength(12);
    expect(rescored.columns).toEqual(expect.arrayContaining(['probability', 'bisap']));
    const summary = JSON.parse(await readFile(at('rescored/summary.json'), 'utf8')) as { model: unknown };
    expect(summary.model).toMatchObject({ name: 'my-site', version: '1' });
  });
});
