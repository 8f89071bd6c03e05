import type { NormalisedClinical } from '../ingest/clinical';
import { assemble, choiceItem, slot } from './rules';
import type { ScoreResult } from './types';

/**
 * CT Severity Index (Balthazar 1990; scores.md section 5): Balthazar grade points + necrosis points, 0-10.
 * Necrosis bands ≤ 30 %, > 30-50 %, > 50 % (Radiopaedia/pacs.de; fpnotebook's 33 % is not used): the
 * radiologist reports the band (`ct.necrosis`), so no percentage boundary is applied here.
 */
export const BALTHAZAR_POINTS = { A: 0, B: 1, C: 2, D: 3, E: 4 } as const;
export const CTSI_NECROSIS_POINTS = { none: 0, 'up-to-30': 2, '30-to-50': 4, 'over-50': 6 } as const;

export function ctsi(clinical: NormalisedClinical): ScoreResult<'CTSI'> {
  const items = [
    choiceItem(
      'Balthazar grade',
      slot(clinical, 'ct', 'balthazarGrade'),
      BALTHAZAR_POINTS,
      'A 0, B 1, C 2, D 3, E 4',
    ),
    choiceItem(
      'necrosis',
      slot(clinical, 'ct', 'necrosis'),
      CTSI_NECROSIS_POINTS,
      'none 0, ≤ 30 % 2, > 30-50 % 4, > 50 % 6',
    ),
  ];
  return assemble('CTSI', items, {
    max: 10,
    // pacs.de and GDL bands; fpnotebook: ≥ 5 carries higher mortality.
    bands: [
      { upTo: 3, text: 'mild (0-3)' },
      { upTo: 6, text: 'moderate (4-6)' },
      { upTo: 10, text: 'severe (7-10)' },
    ],
    cutOff: { atLeast: 7, rule: 'CTSI ≥ 7: severe' },
  });
}
