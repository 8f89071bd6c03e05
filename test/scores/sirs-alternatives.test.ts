import { describe, expect, it } from 'vitest';
import { bisap, sirs } from '../../core/scores';
import { healthy, itemOf, without } from './records';

/**
 * Issue #22: a SIRS criterion with alternatives (RR or PaCO2; WBC or bands) is not met when one alternative
 * was measured and none reaches its cut-off, missing only when none was measured.
 */
const noBloodGas = (admission = {}) => without(healthy({ admission }), 'admission.paco2');
const noDifferential = (admission = {}) => without(healthy({ admission }), 'admission.bandsPercent');

describe('SIRS criteria with unmeasured alternatives', () => {
  it('a mild patient without blood gas or differential is SIRS 0, complete, and BISAP is not partial', () => {
    const mild = without(
      healthy({ admission: { temperature: 37, heartRate: 80, respiratoryRate: 16, wbc: 8 } }),
      'admission.paco2',
      'admission.bandsPercent',
    );
    const result = sirs(mild);
    expect(result).toMatchObject({ value: 0, upperBound: 0, partial: false, missing: [], present: false });
    expect(result.interpretation).toBe('SIRS absent (< 2 criteria)');
    const bisapResult = bisap(mild);
    expect(itemOf(bisapResult, 'SIRS')).toMatchObject({ points: 0 });
    expect(bisapResult).toMatchObject({ value: 0, upperBound: 0, partial: false, missing: [] });
  });

  it.each([
    [20, 0],
    [21, 1],
  ])('respiratory rate %s /min alone (no PaCO2) scores %s', (respiratoryRate, points) => {
    const item = itemOf(sirs(noBloodGas({ respiratoryRate })), 'respiration');
    expect(item).toMatchObject({
      points,
      input: { field: 'admission.respiratoryRate', value: respiratoryRate },
    });
    expect(item.missing).toBeUndefined();
  });

  it.each([
    [32, 0],
    [31.9, 1],
  ])('PaCO2 %s mmHg alone (no respiratory rate) scores %s', (paco2, points) => {
    const record = without(healthy({ admission: { paco2 } }), 'admission.respiratoryRate');
    const item = itemOf(sirs(record), 'respiration');
    expect(item).toMatchObject({ points, input: { field: 'admission.paco2', value: paco2 } });
    expect(item.missing).toBeUndefined();
  });

  it.each([
    [12, 0],
    [12.1, 1],
    [4, 0],
    [3.9, 1],
  ])('WBC %s ×10^9/L alone (no bands) scores %s', (wbc, points) => {
    const item = itemOf(sirs(noDifferential({ wbc })), 'white cells');
    expect(item).toMatchObject({ points, input: { field: 'admission.wbc', value: wbc } });
    expect(item.missing).toBeUndefined();
  });

  it.each([
    [10, 0],
    [10.1, 1],
  ])('bands %s %% alone (no WBC) scores %s', (bandsPercent, points) => {
    const record = without(healthy({ admission: { bandsPercent } }), 'admission.wbc');
    const item = itemOf(sirs(record), 'white cells');
    expect(item).toMatchObject({ points, input: { field: 'admission.bandsPercent', value: bandsPercent } });
    expect(item.missing).toBeUndefined();
  });

  it('a criterion is missing only when none of its alternatives was measured, listing them all', () => {
    const record = without(healthy(), 'admission.respiratoryRate', 'admission.paco2');
    const result = sirs(record);
    expect(itemOf(result, 'respiration')).toMatchObject({
      points: null,
      upTo: 1,
      missing: ['admission.respiratoryRate', 'admission.paco2'],
    });
    expect(result).toMatchObject({ value: 0, upperBound: 1, partial: true, present: false });
  });
});
