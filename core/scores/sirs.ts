import type { NormalisedClinical } from '../ingest/clinical';
import { above, alt, anyMeasured, assemble, below, slot } from './rules';
import type { SirsResult } from './types';

/**
 * SIRS criteria (scores.md section 1): worst values within 24 h of admission; present when ≥ 2 of 4 are met.
 * A criterion with alternatives (respiration: RR or PaCO2; white cells: WBC or bands) is met by any one of
 * them, not met when one was measured and none reaches its cut-off (a mild patient has no blood gas or
 * manual differential), and missing only when none was measured (issue #22).
 */
export const SIRS = {
  temperatureAboveC: 38,
  temperatureBelowC: 36,
  heartRateAbove: 90,
  respiratoryRateAbove: 20,
  paco2BelowMmHg: 32,
  wbcAbove: 12,
  wbcBelow: 4,
  bandsAbovePercent: 10,
  presentAt: 2,
} as const;

export function sirs(clinical: NormalisedClinical): SirsResult {
  const at = <K extends keyof NormalisedClinical['admission'] & string>(key: K) =>
    slot(clinical, 'admission', key);
  const items = [
    anyMeasured(
      'temperature',
      [alt(at('temperature'), (t) => above(t, SIRS.temperatureAboveC) || below(t, SIRS.temperatureBelowC))],
      `> ${SIRS.temperatureAboveC} °C or < ${SIRS.temperatureBelowC} °C`,
    ),
    anyMeasured(
      'heart rate',
      [alt(at('heartRate'), (hr) => above(hr, SIRS.heartRateAbove))],
      `> ${SIRS.heartRateAbove} /min`,
    ),
    anyMeasured(
      'respiration',
      [
        alt(at('respiratoryRate'), (rr) => above(rr, SIRS.respiratoryRateAbove)),
        alt(at('paco2'), (paco2) => below(paco2, SIRS.paco2BelowMmHg)),
      ],
      `RR > ${SIRS.respiratoryRateAbove} /min or PaCO2 < ${SIRS.paco2BelowMmHg} mmHg`,
    ),
    anyMeasured(
      'white cells',
      [
        alt(at('wbc'), (wbc) => above(wbc, SIRS.wbcAbove) || below(wbc, SIRS.wbcBelow)),
        alt(at('bandsPercent'), (bands) => above(bands, SIRS.bandsAbovePercent)),
      ],
      `WBC > ${SIRS.wbcAbove} or < ${SIRS.wbcBelow} ×10^9/L, or bands > ${SIRS.bandsAbovePercent} %`,
    ),
  ];
  const result = assemble('SIRS', items, {
    max: 4,
    bands: [
      { upTo: 1, text: 'SIRS absent (< 2 criteria)' },
      { upTo: 4, text: 'SIRS present (≥ 2 criteria)' },
    ],
    cutOff: { atLeast: SIRS.presentAt, rule: 'SIRS present: ≥ 2 of 4 criteria' },
  });
  return { ...result, present: result.cutOff?.met };
}
