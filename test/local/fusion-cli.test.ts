import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sap } from '../support/sap-cli';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-fusion-cli-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('sap scores', () => {
  it('prints every classic score of a clinical.json as JSON', async () => {
    const result = await sap('scores', 'test/fixtures/ingest/clinical/valid.si.json', '--json');
    expect(result.code).toBe(0);
    const scores = JSON.parse(result.out) as Record<string, { value: number; partial: boolean }>;
    expect(scores.sirs).toMatchObject({ value: 4, partial: false });
    expect(scores.bisap?.value).toBe(2);
  });

  it('rejects a clinical.json with issues, exit 1', async () => {
    const result = await sap('scores', 'test/fixtures/ingest/clinical/CLINICAL_INVALID.types.json');
    expect(result.code).toBe(1);
    expect(result.err).toContain('CLINICAL_INVALID');
  });
});

describe('sap predict', () => {
  const cohort = readFileSync('models/demo/cohort.csv', 'utf8').trim().split('\n');
  const header = cohort[0]!.split(',').slice(2);

  it('scores CSV rows by feature name with the demo model, probabilities and SHAP', async () => {
    const rows = cohort.slice(1, 6).map((line) => line.split(',').slice(2).join(','));
    const file = path.join(root, 'rows.csv');
    await writeFile(file, [header.join(','), ...rows].join('\n'));
    const result = await sap(
      'predict',
      '--model-card',
      'models/demo/model-card.json',
      '--features',
      file,
      '--json',
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out) as {
      model: { version: string };
      results: { probability: number; shap: Record<string, number>; bias: number }[];
    };
    expect(parsed.model.version).toBe('demo-1');
    expect(parsed.results).toHaveLength(5);
    for (const r of parsed.results) {
      expect(r.probability).toBeGreaterThan(0);
      expect(r.probability).toBeLessThan(1);
      const margin = Object.values(r.shap).reduce((a, b) => a + b, r.bias);
      expect(1 / (1 + Math.exp(-margin))).toBeCloseTo(r.probability, 5);
    }
    // The cohort's labels: the demo model ranks its SAP rows above the others.
    const labels = cohort.slice(1, 6).map((line) => Number(line.split(',')[1]));
    const severe = parsed.results.filter((_, n) => labels[n] === 1).map((r) => r.probability);
    const mild = parsed.results.filter((_, n) => labels[n] === 0).map((r) => r.probability);
    if (severe.length && mild.length) expect(Math.min(...severe)).toBeGreaterThan(Math.max(...mild));
  });

  it('treats an absent value as missing', async () => {
    const file = path.join(root, 'one.json');
    await writeFile(file, JSON.stringify({ age: 70, pleural_effusion: 1 }));
    const result = await sap(
      'predict',
      '--model-card',
      'models/demo/model-card.json',
      '--features',
      file,
      '--json',
    );
    expect(result.code).toBe(0);
  });
});
