import type { NormalisedClinical } from '../ingest/clinical';
import { above, assemble, below, criterion, missingItem, slot } from './rules';
import { sirs as sirsScore } from './sirs';
import type { ScoreItem, ScoreResult, SirsResult } from './types';
import { shown, ureaFromBunMgDl } from './units';

/**
 * BISAP (Wu et al., Gut 2008; scores.md section 2): 0-5 within the first 24 h. BUN > 25 mg/dL is compared
 * as urea > 25 ÷ 2.801 = 8.925 mmol/L (the GDL suite: 8.92 mmol/L scores 0).
 */
export const BISAP = {
  bunAboveMgDl: 25,
  gcsBelow: 15,
  ageAboveYears: 60,
  /** scores.md: ≥ 3 high risk (mortality > 15 %); SAP-prediction papers often use ≥ 2. */
  defaultHighRiskAt: 3,
} as const;

const BISAP_UREA_ABOVE = ureaFromBunMgDl(BISAP.bunAboveMgDl);

/** The SIRS item: known when SIRS is, even if some SIRS criteria are missing. */
function sirsItem(result: SirsResult): ScoreItem {
  const rule = '≥ 2 SIRS criteria';
  if (result.present === undefined) return missingItem('SIRS', result.missing, rule, 1);
  return {
    item: 'SIRS',
    points: result.present ? 1 : 0,
    input: { field: 'SIRS criteria met', value: result.value, unit: 'criteria' },
    rule,
  };
}

export function bisap(
  clinical: NormalisedClinical,
  highRiskAt: number = BISAP.defaultHighRiskAt,
  sirs: SirsResult = sirsScore(clinical),
): ScoreResult<'BISAP'> {
  const items = [
    criterion(
      'BUN',
      slot(clinical, 'admission', 'urea'),
      (urea) => above(urea, BISAP_UREA_ABOVE),
      `urea > ${shown(BISAP_UREA_ABOVE)} mmol/L (BUN > ${BISAP.bunAboveMgDl} mg/dL)`,
    ),
    criterion(
      'impaired mental status',
      slot(clinical, 'admission', 'gcs'),
      (gcs) => below(gcs, BISAP.gcsBelow),
      `GCS < ${BISAP.gcsBelow}`,
    ),
    sirsItem(sirs),
    criterion(
      'age',
      slot(clinical, 'admission', 'age'),
      (age) => above(age, BISAP.ageAboveYears),
      `> ${BISAP.ageAboveYears} years`,
    ),
    criterion(
      'pleural effusion',
      slot(clinical, 'admission', 'pleuralEffusion'),
      (effusion) => effusion,
      'present on imaging',
    ),
  ];
  return assemble('BISAP', items, {
    max: 5,
    bands: [
      { upTo: highRiskAt - 1, text: `below the high-risk cut-off (< ${highRiskAt})` },
      { upTo: 5, text: `high risk (≥ ${highRiskAt})` },
    ],
    cutOff: { atLeast: highRiskAt, rule: `BISAP ≥ ${highRiskAt}: high risk` },
  });
}
