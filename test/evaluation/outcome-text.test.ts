import { describe, expect, it } from 'vitest';
import { parseOutcomeText } from '../../core/evaluation';
import { readCsvTable } from '../../core/batch/csv';
import { readCohort } from '../../local/evaluate/cohort';

describe('parseOutcomeText: the spellings of a binary outcome', () => {
  it.each(['1', '1.0', '1.00', 'true', 'True', 'TRUE', 'yes', 'Yes', ' 1 '])('%j is an event', (text) =>
    expect(parseOutcomeText(text)).toBe(1),
  );

  it.each(['0', '0.0', '0.', 'false', 'False', 'FALSE', 'no', 'NO'])('%j is no event', (text) =>
    expect(parseOutcomeText(text)).toBe(0),
  );

  it.each(['', null, undefined, '2', '0.5', '1.01', '-1', '01', '1e0', 'severe', 'y', 'n', 'nan', 'NA'])(
    '%j is refused, not guessed',
    (text) => expect(parseOutcomeText(text)).toBeUndefined(),
  );
});

describe('readCohort: the outcome column', () => {
  const cohort = (outcomes: string[]) =>
    readCsvTable(
      ['studyId,sap,probability', ...outcomes.map((o, i) => `p${i},${o},0.${i + 1}`)].join('\n'),
      'cohort.csv',
    );

  it('reads the outcome as pandas writes it (1.0/0.0) and as booleans, the same as 1/0', () => {
    const expected = [1, 0, 1, 0];
    for (const spelling of [
      ['1', '0'],
      ['1.0', '0.0'],
      ['True', 'False'],
      ['yes', 'no'],
    ]) {
      const [event, none] = spelling as [string, string];
      const { outcome } = readCohort(cohort([event, none, event, none]), {
        file: 'cohort.csv',
        outcome: 'sap',
      });
      expect(Array.from(outcome)).toEqual(expected);
    }
  });

  it('refuses any other value, naming its row and every accepted spelling', () => {
    expect(() => readCohort(cohort(['1', '0', '0.5']), { file: 'cohort.csv', outcome: 'sap' })).toThrow(
      'cohort.csv, row 4: sap must be 1, 1.0, true or yes for an event; 0, 0.0, false or no for none (words in any case); ' +
        'got "0.5"',
    );
    expect(() => readCohort(cohort(['1', '']), { file: 'cohort.csv', outcome: 'sap' })).toThrow(
      /cohort.csv, row 3: sap must be .*; got null/,
    );
  });
});
