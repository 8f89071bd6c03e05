import type { NormalisedClinical } from '../ingest/clinical';
import { alt, anyOf, assemble, choiceItem, inputOf, missingItem, slot } from './rules';
import type { ScoreItem, ScoreResult } from './types';

/**
 * Modified CTSI (Mortele et al., AJR 2004; scores.md section 6): 0-10, always even.
 *
 * Inflammation is read from the Balthazar grade the record carries: A (normal) 0; B (enlargement) and
 * C (peripancreatic inflammation) are an intrinsic abnormality ± fat stranding, 2; D and E (collections)
 * are a fluid collection, 4; peripancreatic fat necrosis (`ct.peripancreaticFatNecrosis`) also scores 4.
 * Pleural effusion is the one `admission.pleuralEffusion` input shared with BISAP (scores.md section 6).
 */
export const MCTSI_INFLAMMATION_POINTS = { A: 0, B: 2, C: 2, D: 4, E: 4 } as const;
export const MCTSI_NECROSIS_POINTS = { none: 0, 'up-to-30': 2, '30-to-50': 4, 'over-50': 4 } as const;
export const MCTSI_EXTRAPANCREATIC_POINTS = 2;

const INFLAMMATION_RULE =
  'normal 0; intrinsic abnormality ± fat stranding (Balthazar B, C) 2; ' +
  'fluid collection (Balthazar D, E) or peripancreatic fat necrosis 4';

function inflammation(clinical: NormalisedClinical): ScoreItem {
  const grade = slot(clinical, 'ct', 'balthazarGrade');
  const fatNecrosis = slot(clinical, 'ct', 'peripancreaticFatNecrosis');
  const item = 'pancreatic inflammation';
  if (fatNecrosis.value === true)
    return { item, points: 4, input: inputOf(fatNecrosis), rule: INFLAMMATION_RULE };
  const byGrade = choiceItem(item, grade, MCTSI_INFLAMMATION_POINTS, INFLAMMATION_RULE);
  if (byGrade.points === 4 || fatNecrosis.value === false) return byGrade;
  // Fat necrosis not reported: it could still raise the item to 4.
  if (byGrade.points === null)
    return missingItem(item, [grade.field, fatNecrosis.field], INFLAMMATION_RULE, 4);
  return { ...byGrade, upTo: 4, missing: [fatNecrosis.field] };
}

export function mctsi(clinical: NormalisedClinical): ScoreResult<'MCTSI'> {
  const ct = <K extends keyof NormalisedClinical['ct'] & string>(key: K) => slot(clinical, 'ct', key);
  const present = (flag: boolean) => flag;
  const items = [
    inflammation(clinical),
    choiceItem('pancreatic necrosis', ct('necrosis'), MCTSI_NECROSIS_POINTS, 'none 0, ≤ 30 % 2, > 30 % 4'),
    anyOf(
      'extrapancreatic complications',
      [
        alt(slot(clinical, 'admission', 'pleuralEffusion'), present),
        alt(ct('ascites'), present),
        alt(ct('vascularComplication'), present),
        alt(ct('parenchymalComplication'), present),
        alt(ct('gastrointestinalInvolvement'), present),
      ],
      '≥ 1 of pleural effusion, ascites, vascular, parenchymal or GI-tract complication: 2',
      MCTSI_EXTRAPANCREATIC_POINTS,
    ),
  ];
  return assemble('MCTSI', items, {
    max: 10,
    bands: [
      { upTo: 2, text: 'mild (0-2)' },
      { upTo: 6, text: 'moderate (4-6)' },
      { upTo: 10, text: 'severe (8-10)' },
    ],
    cutOff: { atLeast: 8, rule: 'MCTSI ≥ 8: severe' },
  });
}
