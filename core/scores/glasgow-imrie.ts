import type { NormalisedClinical } from '../ingest/clinical';
import { above, assemble, below, criterion, slot, within48h } from './rules';
import type { ScoreResult } from './types';

/**
 * Glasgow-Imrie (modified Glasgow, "PANCREAS"; scores.md section 4): 0-8, worst values within 48 h. The
 * cut-offs are SI in scores.md already. PaO2: < 60 mmHg, as the GDL suite confirms (60 → 0); 8 kPa is
 * 60.005 mmHg and MDCalc uses 59.3. LDH alone: the "or AST > 200 U/L" of some versions is not applied.
 */
export const GLASGOW_IMRIE = {
  pao2BelowMmHg: 60,
  ageAboveYears: 55,
  wbcAbove: 15,
  calciumBelowMmolL: 2,
  ureaAboveMmolL: 16,
  ldhAbove: 600,
  albuminBelowGL: 32,
  glucoseAboveMmolL: 10,
  severeAt: 3,
} as const;

export function glasgowImrie(clinical: NormalisedClinical): ScoreResult<'Glasgow-Imrie'> {
  const g = GLASGOW_IMRIE;
  const worst = <K extends keyof NormalisedClinical['h48'] & keyof NormalisedClinical['admission'] & string>(
    key: K,
  ) => [slot(clinical, 'h48', key), slot(clinical, 'admission', key)] as const;
  const items = [
    within48h('PaO2', ...worst('pao2'), (pao2) => below(pao2, g.pao2BelowMmHg), `< ${g.pao2BelowMmHg} mmHg`),
    criterion(
      'age',
      slot(clinical, 'admission', 'age'),
      (age) => above(age, g.ageAboveYears),
      `> ${g.ageAboveYears} years`,
    ),
    within48h('WBC', ...worst('wbc'), (wbc) => above(wbc, g.wbcAbove), `> ${g.wbcAbove} ×10^9/L`),
    within48h(
      'calcium',
      ...worst('calcium'),
      (calcium) => below(calcium, g.calciumBelowMmolL),
      `< ${g.calciumBelowMmolL} mmol/L`,
    ),
    within48h(
      'urea',
      ...worst('urea'),
      (urea) => above(urea, g.ureaAboveMmolL),
      `> ${g.ureaAboveMmolL} mmol/L`,
    ),
    within48h('LDH', ...worst('ldh'), (ldh) => above(ldh, g.ldhAbove), `> ${g.ldhAbove} U/L`),
    within48h(
      'albumin',
      ...worst('albumin'),
      (albumin) => below(albumin, g.albuminBelowGL),
      `< ${g.albuminBelowGL} g/L`,
    ),
    within48h(
      'glucose',
      ...worst('glucose'),
      (glucose) => above(glucose, g.glucoseAboveMmolL),
      `> ${g.glucoseAboveMmolL} mmol/L`,
    ),
  ];
  return assemble('Glasgow-Imrie', items, {
    max: 8,
    bands: [
      { upTo: 2, text: 'not severe (0-2)' },
      { upTo: 8, text: 'severe (≥ 3)' },
    ],
    cutOff: { atLeast: g.severeAt, rule: `Glasgow-Imrie ≥ ${g.severeAt}: severe` },
  });
}
