import { describe, expect, it } from 'vitest';
import type { OutcomeValues } from '../../core/ingest/clinical';
import { revisedAtlanta } from '../../core/scores';
import { healthy, itemOf, without } from './records';

const outcome = (values: OutcomeValues) => ({ ...healthy(), outcome: values });

describe('revised Atlanta', () => {
  it.each([
    [
      { organFailure: 'none', organFailureHours: 0, localComplications: false, systemicComplications: false },
      'mild',
    ],
    [
      { organFailure: 'none', organFailureHours: 0, localComplications: true, systemicComplications: false },
      'moderately-severe',
    ],
    [
      { organFailure: 'none', organFailureHours: 0, localComplications: false, systemicComplications: true },
      'moderately-severe',
    ],
    [
      {
        organFailure: 'transient',
        organFailureHours: 30,
        localComplications: false,
        systemicComplications: false,
      },
      'moderately-severe',
    ],
    [
      {
        organFailure: 'transient',
        organFailureHours: 30,
        localComplications: true,
        systemicComplications: false,
      },
      'moderately-severe',
    ],
    [
      {
        organFailure: 'persistent',
        organFailureHours: 72,
        localComplications: false,
        systemicComplications: false,
      },
      'severe',
    ],
    [
      {
        organFailure: 'persistent',
        organFailureHours: 96,
        localComplications: true,
        systemicComplications: true,
      },
      'severe',
    ],
  ] as [OutcomeValues, string][])('%o is %s', (values, severity) => {
    const result = revisedAtlanta(outcome(values));
    expect(result).toMatchObject({ severity, interpretation: severity, partial: false, max: 2 });
    expect(result.cutOff?.met).toBe(severity === 'severe');
  });

  it.each([
    [47, '> 48 h', 'moderately-severe'],
    [48, '> 48 h', 'moderately-severe'],
    [49, '> 48 h', 'severe'],
    [47, '≥ 48 h', 'moderately-severe'],
    [48, '≥ 48 h', 'severe'],
  ] as const)('organ failure for %s h with "%s": %s', (organFailureHours, boundary, severity) => {
    const organFailure = organFailureHours > 48 ? 'persistent' : 'transient';
    const record = outcome({
      organFailure,
      organFailureHours,
      localComplications: false,
      systemicComplications: false,
    });
    expect(revisedAtlanta(record, boundary)).toMatchObject({ severity, persistentWhen: boundary });
  });

  it('defaults to "> 48 h": exactly 48 h is transient', () => {
    const record = outcome({
      organFailure: 'persistent',
      organFailureHours: 48,
      localComplications: false,
      systemicComplications: false,
    });
    expect(revisedAtlanta(record)).toMatchObject({ severity: 'moderately-severe', persistentWhen: '> 48 h' });
  });

  it('uses the hospital’s organ-failure class when the hours are not sent', () => {
    const record = outcome({
      organFailure: 'persistent',
      localComplications: false,
      systemicComplications: false,
    });
    const result = revisedAtlanta(record);
    expect(result.severity).toBe('severe');
    expect(itemOf(result, 'organ failure').input).toEqual({
      field: 'outcome.organFailure',
      value: 'persistent',
      unit: '',
    });
  });

  it('persistent organ failure decides the class even with complications unreported (still partial)', () => {
    const result = revisedAtlanta(outcome({ organFailure: 'persistent', organFailureHours: 100 }));
    expect(result).toMatchObject({ severity: 'severe', partial: true, cutOff: { met: true } });
    expect(result.missing).toEqual(['outcome.localComplications', 'outcome.systemicComplications']);
  });

  it('no organ failure with complications unreported is undetermined', () => {
    const result = revisedAtlanta(
      outcome({ organFailure: 'none', organFailureHours: 0, localComplications: false }),
    );
    expect(result).toMatchObject({
      severity: undefined,
      value: 0,
      upperBound: 1,
      partial: true,
      cutOff: { met: false },
    });
    expect(result.interpretation).toBe('undetermined: mild to moderately-severe with the missing inputs');
  });

  it('organ failure unreported lists both fields and leaves severe open', () => {
    const result = revisedAtlanta(without(healthy(), 'outcome.organFailure', 'outcome.organFailureHours'));
    expect(itemOf(result, 'organ failure').missing).toEqual([
      'outcome.organFailureHours',
      'outcome.organFailure',
    ]);
    expect(result).toMatchObject({ severity: undefined, cutOff: { met: undefined } });
  });

  it('reports the class the hospital assigned beside the computed one', () => {
    const record = outcome({
      organFailure: 'transient',
      organFailureHours: 20,
      atlantaSeverity: 'moderately-severe',
      localComplications: true,
      systemicComplications: false,
    });
    expect(revisedAtlanta(record)).toMatchObject({
      severity: 'moderately-severe',
      assigned: 'moderately-severe',
    });
  });
});
