import { describe, expect, it } from 'vitest';
import { readCsvTable } from '../../core/batch/csv';
import { calibrationGroups, delongPaired } from '../../core/evaluation';
import { readCohort } from '../../local/evaluate/cohort';
import { evaluateCohort } from '../../local/evaluate/evaluate';
import { TableInputError } from '../../local/evaluate/table-input';

const table = (text: string) => readCsvTable(text, 'cohort.csv');
const read = (text: string, outcome = 'sap') => readCohort(table(text), { file: 'cohort.csv', outcome });

describe('readCohort: CSV as R, spreadsheets and the batch write it', () => {
  it("reads R's write.csv output: BOM, CRLF, quoted header and cells, a comma in an id, NA as missing", () => {
    // write.csv(df) with its row-names column (header ""), strings quoted, numbers bare, NA for missing.
    const text =
      '\uFEFF"","studyId","sap","probability","bisap"\r\n' +
      '"1","St Mary\'s, ward 3",1,0.81,3\r\n' +
      '"2","p2",0,0.12,NA\r\n' +
      '"3","p3",1,NA,4\r\n' +
      '"4","p4",0,0.33,1\r\n';
    const cohort = read(text);
    expect(cohort.ids).toEqual(["St Mary's, ward 3", 'p2', 'p3', 'p4']);
    expect(Array.from(cohort.outcome)).toEqual([1, 0, 1, 0]);
    expect(Array.from(cohort.systems.model!)).toEqual([0.81, 0.12, NaN, 0.33]);
    expect(Array.from(cohort.systems.bisap!)).toEqual([3, NaN, 4, 1]);
    expect(cohort.missing).toEqual({ model: 1, bisap: 1 });
  });

  it('refuses a score cell that is not a number, naming the file, row and column', () => {
    expect(() => read('studyId,sap,bisap\np1,1,3\np2,0,low\n')).toThrow(
      'cohort.csv, row 3, column bisap: "low" is not a number (a missing value is an empty cell or NA)',
    );
  });

  it('names the outcome column it looked for, that it is the default, and the columns the file has', () => {
    expect(() => read('studyId,severe,bisap\np1,1,3\n')).toThrow(
      'cohort.csv has no outcome column "sap" (the default; name yours with --outcome). Its columns: studyId, severe, bisap',
    );
    expect(Array.from(read('studyId,severe,bisap\np1,1,3\np2,0,1\n', 'severe').outcome)).toEqual([1, 0]);
  });

  it('refuses a cohort of one outcome class: nothing can be evaluated', () => {
    expect(() => read('sap,bisap\n0,1\n0,2\n')).toThrow(TableInputError);
  });

  it("reads a batch's features.csv joined with outcomes: extra columns ignored, classic-score columns used", () => {
    const text =
      'studyId,manifestVersion,age,dl_probability,probability,riskLevel,bisap,ranson,mctsi,sirs,glasgowImrie,apacheII,sap\r\n' +
      's1,v1,70,0.9,0.8,high,3,4,8,2,3,,1\r\n' +
      's2,v1,40,0.1,0.2,low,1,1,2,0,1,,0\r\n';
    const cohort = read(text);
    expect(Object.keys(cohort.systems)).toEqual([
      'model',
      'bisap',
      'ranson',
      'mctsi',
      'sirs',
      'glasgowImrie',
      'apacheII',
    ]);
    expect(Array.from(cohort.systems.ranson!)).toEqual([4, 1]);
    expect(cohort.missing.apacheII).toBe(2);
  });
});

/** 12 patients, 4 with SAP; bisap is known only for patients without SAP (the case). */
const SMALL = [
  'studyId,sap,probability,bisap,ranson',
  'a,1,0.9,,5',
  'b,1,0.8,,4',
  'c,1,0.4,,3',
  'd,1,0.7,,2',
  'e,0,0.3,1,1',
  'f,0,0.2,2,0',
  'g,0,0.5,0,2',
  'h,0,0.1,1,1',
  'i,0,0.2,,0',
  'j,0,0.6,,1',
  'k,0,0.3,,2',
  'l,0,0.1,,0',
].join('\n');

describe('evaluateCohort on a small cohort', () => {
  const evaluation = evaluateCohort(read(SMALL), 'model', 0.5);

  it('reports a score complete for one outcome class as not estimable, with the reason, and the rest', () => {
    expect(evaluation.notEstimable).toEqual([
      {
        name: 'bisap',
        patients: 4,
        events: 0,
        reason:
          'only 4 patients have a complete bisap, none with SAP: an AUC needs patients with and without SAP',
      },
    ]);
    expect(evaluation.systems.map((s) => s.name)).toEqual(['model', 'ranson']);
    expect(evaluation.calibration?.brier).toBeGreaterThan(0);
    expect(Object.keys(evaluation.roc)).toEqual(['model', 'ranson']);
  });

  it('says on which patients each paired comparison was computed', () => {
    const ranson = evaluation.systems.find((s) => s.name === 'ranson')!;
    expect(ranson.versusModel).toMatchObject({ patients: 12, events: 4, nPositive: 4, nNegative: 8 });
  });

  it('warns that 4 events are too few, and fits the calibration groups to them', () => {
    expect(evaluation.warnings).toEqual([
      expect.stringMatching(/^Only 4 of 12 patients had SAP \(fewer than 10\): every AUC, interval and test/),
      expect.stringMatching(/^Only 8 of 12 patients did not have SAP \(fewer than 10\)/),
    ]);
    expect(evaluation.calibration).toMatchObject({ groups: 2 });
    expect(evaluation.calibration!.curve.map((bin) => bin.n)).toEqual([6, 6]);
  });

  it('warns when a score is complete for fewer than half the patients', () => {
    const partly = evaluateCohort(read(SMALL.replace('\nc,1,0.4,,3', '\nc,1,0.4,2,3')), 'model', 0.5);
    expect(partly.warnings).toContainEqual(
      expect.stringMatching(
        /^bisap is complete for 5 of 12 patients \(1 with SAP\): its AUC and its comparison/,
      ),
    );
  });

  it('gives a paired comparison not estimable when the patients both scores have are of one class', () => {
    const text = 'sap,probability,ranson\n1,0.9,\n1,0.8,\n0,,1\n0,0.1,2\n0,,0\n1,,3\n';
    const ranson = evaluateCohort(read(text), 'model', 0.5).systems.find((s) => s.name === 'ranson')!;
    expect(ranson.versusModel).toEqual({
      name: 'ranson',
      patients: 1,
      events: 0,
      reason:
        "only 1 patient has both the model's probability and ranson, none with SAP: an AUC needs patients with and without SAP",
    });
  });
});

describe('evaluateCohort: probabilities it cannot use', () => {
  it('refuses a probability outside 0 … 1 (a percentage, say), by row', () => {
    expect(() => read('sap,probability\n1,0.8\n0,45\n')).toThrow(
      'cohort.csv, row 3, column probability: 45 is not a probability (0 to 1)',
    );
  });

  it('gives calibration as not estimable when every probability is the same, and the rest of the report', () => {
    const evaluation = evaluateCohort(
      read('sap,probability,bisap\n1,0.5,3\n0,0.5,1\n1,0.5,2\n0,0.5,0\n'),
      'model',
      0.5,
    );
    expect(evaluation.calibration).toBeUndefined();
    expect(evaluation.notEstimable).toEqual([
      {
        name: 'calibration of model',
        patients: 4,
        events: 2,
        reason: 'every predicted probability is 0.5: no calibration slope or curve',
      },
    ]);
    expect(evaluation.systems.map((s) => [s.name, s.auc.auc])).toEqual([
      ['model', 0.5],
      ['bisap', 1],
    ]);
  });
});

describe('small-sample rules', () => {
  it('clips the paired difference interval to [−1, 1]', () => {
    const got = delongPaired(
      [0.9, 0.8, 0.7, 0.3, 0.2, 0.75],
      [0.1, 0.2, 0.65, 0.8, 0.9, 0.6],
      [1, 1, 1, 0, 0, 0],
    );
    expect(got.difference + 1.959964 * got.se).toBeGreaterThan(1);
    expect(got.ci[1]).toBe(1);
    expect(got.ci[0]).toBeCloseTo(got.difference - 1.959964 * got.se, 5);
  });

  it('calibration groups: ⌊rarer outcome / 5⌋ within 2 … 10', () => {
    expect([
      calibrationGroups(4, 8),
      calibrationGroups(7, 23),
      calibrationGroups(30, 70),
      calibrationGroups(86, 214),
      calibrationGroups(300, 60),
    ]).toEqual([2, 2, 6, 10, 10]);
  });
});
