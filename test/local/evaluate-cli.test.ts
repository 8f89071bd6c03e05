import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom, type PhantomVariant } from '../../core/phantom';
import { sap } from '../support/sap-cli';
import { parseXml } from '../charts/xml';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-evaluate-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Phantom patients as cohort rows: outcome, a probability column, and clinical columns by clinical.json path. */
async function phantomCohort(size: number): Promise<string> {
  const variants: PhantomVariant[][] = [['normal'], ['oedematous'], ['necrotising', 'pleural-effusion']];
  const columns = [
    'admission.age',
    'admission.urea [mmol/L]',
    'admission.gcs',
    'admission.pleuralEffusion',
    'admission.temperature',
    'admission.heartRate',
    'admission.respiratoryRate',
    'admission.wbc',
    'admission.paco2',
  ];
  const lines = [['studyId', 'sap', 'probability', ...columns].join(',')];
  for (let seed = 1; seed <= size; seed++) {
    const phantom = generatePhantom({ dims: [16, 16, 8], seed, variant: variants[seed % 3] });
    const clinical = normaliseClinical(phantom.clinical);
    if (!clinical.ok) throw new Error('phantom clinical must normalise');
    const sap = clinical.clinical.outcome.atlantaSeverity === 'severe' ? 1 : 0;
    const probability = Math.min(0.99, Math.max(0.01, 0.2 + 0.6 * sap + ((seed * 37) % 20) / 100 - 0.1));
    const admission = phantom.clinical.admission as Record<string, unknown>;
    const cells = columns.map((c) => {
      const v = admission[c.split('.')[1]!.split(' ')[0]!];
      const value = v !== null && typeof v === 'object' ? (v as { value: unknown }).value : v;
      return value === undefined ? '' : String(value);
    });
    lines.push([`p${seed}`, sap, probability.toFixed(3), ...cells].join(','));
  }
  const file = path.join(root, 'cohort.csv');
  await writeFile(file, lines.join('\n'));
  return file;
}

describe('sap evaluate', () => {
  it('writes the report, charts and figures for a cohort with probabilities and clinical columns', async () => {
    const file = await phantomCohort(60);
    const out = path.join(root, 'report');
    const result = await sap('evaluate', file, '--out', out, '--json');
    expect(result.code).toBe(0);
    const evaluation = JSON.parse(result.out) as {
      systems: { name: string; auc: { auc: number; ci: [number, number] } }[];
      calibration: { brier: number };
    };
    const model = evaluation.systems.find((s) => s.name === 'model')!;
    const bisap = evaluation.systems.find((s) => s.name === 'bisap') as
      { versusModel?: { p: number } } | undefined;
    expect(bisap?.versusModel?.p).toBeGreaterThanOrEqual(0);
    expect(model.auc.auc).toBeGreaterThan(0.9);
    expect(model.auc.ci[0]).toBeLessThanOrEqual(model.auc.auc);
    expect(evaluation.calibration.brier).toBeGreaterThan(0);
    for (const chart of ['roc.svg', 'calibration.svg', 'decision-curve.svg']) {
      expect(parseXml(await readFile(path.join(out, chart), 'utf8')).name).toBe('svg');
    }
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<table>');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('scores a cohort with the fusion model when given its card', async () => {
    const result = await sap(
      'evaluate',
      'models/demo/cohort.csv',
      '--model-card',
      'models/demo/model-card.json',
      '--out',
      path.join(root, 'demo'),
      '--json',
    );
    expect(result.code).toBe(0);
    const evaluation = JSON.parse(result.out) as { systems: { name: string; auc: { auc: number } }[] };
    expect(evaluation.systems[0]).toMatchObject({ name: 'sap-fusion-demo demo-1' });
    expect(evaluation.systems[0]!.auc.auc).toBeGreaterThan(0.95);
  });
});
