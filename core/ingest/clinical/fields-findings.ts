import { choice, flag, quantity } from './field-spec';
import { CONVERSIONS as C, UNITS as U } from './units';

const H48 = ['h48'] as const;
const CT = ['ct'] as const;
const OUTCOME = ['outcome'] as const;

/**
 * The 48 h-only item, the radiologist's CT read and the follow-up outcome. The pipeline segments only the
 * pancreas: necrosis, collections and extrapancreatic findings are not derived from the image, so CTSI and
 * MCTSI need them here (domain/scores.md sections 5, 6 and 8).
 */
export const FINDING_FIELDS = {
  fluidSequestration: quantity({
    sections: H48,
    unit: U.litre,
    alternatives: [C.millilitres],
    range: { min: -20, max: 40, reason: 'net fluid balance over 48 h; mL sent bare fall above' },
    usedBy: ['Ranson'],
    description: 'Fluid sequestration: net balance (input - output) over the first 48 h.',
  }),
  balthazarGrade: choice({
    sections: CT,
    options: ['A', 'B', 'C', 'D', 'E'],
    usedBy: ['CTSI', 'MCTSI'],
    description:
      'Balthazar grade: A normal, B enlargement, C peripancreatic inflammation, D one collection, ' +
      'E two or more collections and/or gas.',
  }),
  necrosis: choice({
    sections: CT,
    options: ['none', 'up-to-30', '30-to-50', 'over-50'],
    usedBy: ['CTSI', 'MCTSI'],
    description: 'Pancreatic necrosis, % of the gland: none, ≤ 30 %, > 30-50 %, > 50 %.',
  }),
  peripancreaticFatNecrosis: flag({
    sections: CT,
    usedBy: ['MCTSI'],
    description: 'Peripancreatic fat necrosis (MCTSI scores it with the fluid collections).',
  }),
  ascites: flag({
    sections: CT,
    usedBy: ['MCTSI'],
    description:
      'Ascites (an MCTSI extrapancreatic complication; pleural effusion is admission.pleuralEffusion).',
  }),
  vascularComplication: flag({
    sections: CT,
    usedBy: ['MCTSI'],
    description: 'Vascular complication: venous thrombosis, arterial haemorrhage or pseudoaneurysm.',
  }),
  parenchymalComplication: flag({
    sections: CT,
    usedBy: ['MCTSI'],
    description: 'Parenchymal (solid-organ) complication: infarction, haemorrhage, subcapsular collection.',
  }),
  gastrointestinalInvolvement: flag({
    sections: CT,
    usedBy: ['MCTSI'],
    description: 'Gastrointestinal-tract involvement: wall thickening or inflammation.',
  }),
  hoursAfterAdmission: quantity({
    sections: CT,
    unit: U.hours,
    alternatives: [C.days],
    range: { min: -72, max: 720, reason: 'a CT from the emergency visit before admission up to 30 days' },
    usedBy: [],
    description: 'When the study CT was taken, relative to admission (the published models used CT ≤ 72 h).',
  }),
  organFailure: choice({
    sections: OUTCOME,
    options: ['none', 'transient', 'persistent'],
    usedBy: ['revised Atlanta'],
    description:
      'Organ failure (modified Marshall ≥ 2 in any system): none, transient (resolved within 48 h) or ' +
      'persistent (> 48 h, the definition of severe AP).',
  }),
  organFailureHours: quantity({
    sections: OUTCOME,
    unit: U.hours,
    alternatives: [C.days],
    range: { min: 0, max: 8760, reason: 'up to a year of follow-up' },
    usedBy: ['revised Atlanta'],
    description: 'Longest organ-failure episode (0 if none); lets the > 48 h / ≥ 48 h boundary be chosen.',
  }),
  localComplications: flag({
    sections: OUTCOME,
    usedBy: ['revised Atlanta'],
    description:
      'Peripancreatic fluid collection, pseudocyst, acute necrotic collection or walled-off necrosis.',
  }),
  systemicComplications: flag({
    sections: OUTCOME,
    usedBy: ['revised Atlanta'],
    description: 'Exacerbation of a pre-existing comorbidity.',
  }),
  atlantaSeverity: choice({
    sections: OUTCOME,
    options: ['mild', 'moderately-severe', 'severe'],
    usedBy: ['revised Atlanta'],
    description: 'Revised Atlanta 2012 class, where the hospital assigned one (the label).',
  }),
  inHospitalDeath: flag({
    sections: OUTCOME,
    usedBy: [],
    description: 'Died during the admission.',
  }),
};
