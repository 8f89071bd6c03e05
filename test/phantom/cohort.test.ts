import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sap } from '../support/sap-cli';
import { readCsvTable } from '../../core/batch/csv';
import { folderSource } from '../../core/ingest/folder-source';
import { validateStudy } from '../../core/ingest/validate-study';
import {
  COHORT_VARIANTS,
  PHANTOM_VARIANTS,
  cohortStudy,
  generatePhantom,
  isSeverePhantom,
  studySpacing,
  type PhantomVariant,
} from '../../core/phantom';

const findings = PHANTOM_VARIANTS.filter((v) => v !== 'normal');
/** Every combination of the four findings (the empty one is a normal gland). */
const combinations: PhantomVariant[][] = Array.from({ length: 16 }, (_, bits) =>
  findings.filter((_, n) => bits & (1 << n)),
);

describe('the phantom label: one rule', () => {
  it('is severe for necrosis with an effusion or fluid, effusion with fluid, or necrosis of half the gland', () => {
    const severe = (variants: PhantomVariant[], fraction = 0.3) =>
      isSeverePhantom(new Set(variants), fraction);
    expect(severe(['necrotising', 'pleural-effusion'])).toBe(true);
    expect(severe(['necrotising', 'peripancreatic-fluid'])).toBe(true);
    expect(severe(['pleural-effusion', 'peripancreatic-fluid'])).toBe(true);
    expect(severe(['necrotising'])).toBe(false);
    expect(severe(['necrotising'], 0.5)).toBe(true);
    expect(severe(['necrotising', 'oedematous'], 0.3)).toBe(false);
    expect(severe(['necrotising', 'oedematous'], 0.3125)).toBe(true);
    expect(severe(['oedematous', 'pleural-effusion'])).toBe(false);
    expect(severe(['oedematous', 'peripancreatic-fluid'])).toBe(false);
    expect(severe([])).toBe(false);
  });

  it("is clinical.json's outcome for every combination of findings", () => {
    for (const variants of combinations) {
      for (const necrosisFraction of [0.3, 0.6]) {
        const phantom = generatePhantom({
          seed: 5,
          dims: [8, 8, 8],
          variant: variants.length > 0 ? variants : 'normal',
          necrosisFraction,
        });
        const severe = phantom.clinical.outcome.atlantaSeverity === 'severe';
        expect(severe, `${variants.join('+')} at ${necrosisFraction}`).toBe(
          isSeverePhantom(new Set(variants), necrosisFraction),
        );
      }
    }
  });

  it('gives the trial cohort both classes, labelled as its clinical.json says', () => {
    const labels = COHORT_VARIANTS.map((_, seed) => cohortStudy(seed, [8, 8, 16]));
    for (const { phantom, sap } of labels)
      expect(sap).toBe(phantom.clinical.outcome.atlantaSeverity === 'severe' ? 1 : 0);
    expect(labels.filter((l) => l.sap === 1)).toHaveLength(3);
  });
});

describe('study folder spacing', () => {
  it('caps the field of view over dims at what validation accepts: 2 mm in plane, 5 mm slices', () => {
    expect(studySpacing([128, 128, 24])).toEqual([2, 2, 5]);
    expect(studySpacing([96, 96, 64])).toEqual([2, 2, 4.375]);
    expect(studySpacing([512, 512, 300])).toEqual([400 / 512, 400 / 512, 280 / 300]);
  });
});

describe('sap phantoms', () => {
  it('writes study folders that validation accepts and outcomes.csv labelled by the rule', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'sap-phantoms-')), 'cohort');
    const run = await sap('phantoms', dir, '--count', '4', '--seed', '2', '--dims', '128,128,16');
    expect(run.code).toBe(0);
    expect(run.out).toBe(
      `4 study folders in ${dir} (128×128×16 voxels, 2 × 2 × 5 mm), 2 severe; outcomes in ${path.join(dir, 'outcomes.csv')}`,
    );
    expect((await readdir(dir)).sort()).toEqual([
      'outcomes.csv',
      'phantom-002',
      'phantom-003',
      'phantom-004',
      'phantom-005',
    ]);
    const outcomes = readCsvTable(await readFile(path.join(dir, 'outcomes.csv'), 'utf8'), 'outcomes.csv');
    expect(outcomes.columns).toEqual(['studyId', 'sap']);
    for (const row of outcomes.rows) {
      const folder = path.join(dir, row.studyId!);
      const { report, clinical } = await validateStudy(folderSource(folder), row.studyId!);
      expect(report.errors, row.studyId!).toEqual([]);
      expect(row.sap).toBe(clinical?.outcome?.atlantaSeverity === 'severe' ? '1' : '0');
    }
    expect(outcomes.rows.map((r) => r.sap)).toEqual(['0', '1', '0', '1']);
  });

  it('refuses a folder that already holds its studies, and dims validation would refuse', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sap-phantoms-'));
    expect((await sap('phantoms', dir, '--count', '1', '--dims', '128,128,16')).code).toBe(0);
    const again = await sap('phantoms', dir, '--count', '1', '--dims', '128,128,16');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds phantom-001, outcomes\.csv: choose an empty folder/);
    const thin = await sap('phantoms', dir, '--count', '1', '--dims', '64,64,8');
    expect(thin.code).toBe(2);
    expect(thin.err).toMatch(/a study needs at least 16 slices, not 8/);
  });
});
