import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvText } from '../../core/batch/csv';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = path.join(REPO, 'scripts/train-fusion-model.py');
const PYTHON = '/usr/bin/python3';
/** Debian's python3-xgboost (1.7.x) and python3-numpy, as the README and .ci/run install them. */
const hasXgboost = spawnSync(PYTHON, ['-c', 'import xgboost, numpy']).status === 0;
if (!hasXgboost)
  console.warn('train-fusion-model.py tests skipped: install python3-xgboost and python3-numpy (apt)');

const dir = mkdtempSync(path.join(tmpdir(), 'sap-train-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
/** Two inputs the pipeline produces (sap check-card accepts them). */
const FEATURES = [
  { name: 'urea', source: 'clinical', path: 'admission.urea', label: 'Urea', unit: 'mmol/L' },
  { name: 'pancreas_mean_hu', source: 'radiomics', path: 'stat_mean', label: 'Mean HU', unit: 'HU' },
];
const featuresFile = write('features.json', JSON.stringify(FEATURES));

/** A table of `n` patients, every `eventEvery`-th one SAP, its urea higher; a few cells empty. */
function table(
  n: number,
  eventEvery: number,
  outcome = (i: number): string => (i % eventEvery === 0 ? '1' : '0'),
) {
  const rows = Array.from({ length: n }, (_, i) => [
    `p${i}`,
    i % 7 === 3 ? '' : String((outcome(i) === '1' ? 12 : 5) + ((i * 37) % 11) / 2),
    String(30 + ((i * 13) % 17)),
    outcome(i),
  ]);
  return csvText([['studyId', 'urea', 'pancreas_mean_hu', 'sap'], ...rows]);
}

function train(tableFile: string, ...extra: string[]) {
  const out = path.join(dir, `model-${Math.random().toString(36).slice(2)}`);
  const run = spawnSync(
    PYTHON,
    [
      SCRIPT,
      '--table',
      tableFile,
      '--features',
      featuresFile,
      '--out',
      out,
      '--name',
      'site',
      '--version',
      '1',
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  return { ...run, out };
}

describe.skipIf(!hasXgboost)('scripts/train-fusion-model.py', () => {
  it('reports a cross-validated AUC beside the in-sample one and writes the card with description and intended use', () => {
    const run = train(
      write('ok.csv', table(60, 3)),
      '--description',
      'Site model for adults with AP',
      '--intended-use',
      'Research only',
    );
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/60 studies, 20 SAP; in-sample AUC 1\.000/);
    expect(run.stdout).toMatch(/cross-validated AUC 0\.\d{3}|cross-validated AUC 1\.000/);
    expect(run.stdout).toMatch(/5-fold stratified, seed 20261126; events per fold 4, 4, 4, 4, 4/);
    expect(run.stderr).not.toMatch(/warning/);
    const card = JSON.parse(readFileSync(path.join(run.out, 'model-card.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(card).toMatchObject({
      name: 'site',
      version: '1',
      description: 'Site model for adults with AP',
      intendedUse: 'Research only',
      features: FEATURES,
      syntheticDemo: false,
    });
    const model = readFileSync(path.join(run.out, 'model.ubj'));
    expect(card.sha256).toBe(createHash('sha256').update(model).digest('hex'));
  });

  it('warns when events are few and uses fewer folds rather than folds without events', () => {
    const run = train(write('few.csv', table(24, 8)));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/3-fold stratified.*events per fold 1, 1, 1/);
    expect(run.stderr).toMatch(/warning: 3 folds, not 5/);
    expect(run.stderr).toMatch(/warning: only 3 patients in the smaller outcome class \(fewer than 10\)/);
  });

  it.each([
    [
      'an outcome that is not 0/1',
      () =>
        write(
          'yes.csv',
          table(10, 2, (i) => (i % 2 ? 'yes' : '0')),
        ),
      /sap must be 0 or 1; 5 row\(s\) are not \(lines 3, 5, 7, 9, 11\)/,
    ],
    [
      'a feature absent from the table',
      () => write('absent.csv', table(10, 2).replace('pancreas_mean_hu', 'mean_hu')),
      /feature column pancreas_mean_hu of the features list is not in the table/,
    ],
    [
      'an empty table',
      () => write('empty.csv', 'studyId,urea,pancreas_mean_hu,sap\r\n'),
      /no rows; expected a header row/,
    ],
    [
      'one outcome only',
      () =>
        write(
          'one.csv',
          table(10, 2, () => '0'),
        ),
      /every row has sap = 0; training needs both outcomes/,
    ],
    [
      'a table that is not there',
      () => path.join(dir, 'missing.csv'),
      /missing\.csv: No such file or directory/,
    ],
  ])('refuses %s in one line, exit 2, no traceback', (_case, file, message) => {
    const run = train(file());
    expect(run.status).toBe(2);
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('stops before training when sap check-card refuses the features list', () => {
    const bad = write(
      'bad-features.json',
      JSON.stringify([{ ...FEATURES[0], path: 'admission.triglyceride' }]),
    );
    const run = spawnSync(
      PYTHON,
      [SCRIPT, '--table', write('t.csv', table(10, 2)), '--features', bad, '--out', path.join(dir, 'never')],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad-features\.json does not pass sap check-card: .*admission\.triglyceride/);
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  });
});
