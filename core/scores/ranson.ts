import type { NormalisedClinical } from '../ingest/clinical';
import { above, assemble, below, criterion, missingItem, slot, within48h, type Slot } from './rules';
import type { RansonResult, RansonVariant, ScoreItem } from './types';
import { calciumFromMgDl, glucoseFromMgDl, shown, ureaFromBunMgDl } from './units';

/**
 * Ranson's criteria (1974 non-gallstone, 1982 gallstone; scores.md section 3). Admission items from
 * `admission`, 48 h items from `h48` (haematocrit fall and BUN rise: h48 against admission). US-unit
 * cut-offs are converted to the record's SI units with the scores.md factors.
 *
 * Disputed gallstone items (scores.md "Known discrepancies"), resolved as scores.md chose:
 * - base deficit > 5 mEq/L (jodrugs, citing Ranson 1982; Wikipedia says > 4);
 * - fluid sequestration > 4 L (Wikipedia, jodrugs; a Wikipedia mirror says > 6 L);
 * - glucose > 220 mg/dL (Wikipedia, jodrugs; calcdomain says > 250);
 * - PaO2 is not a gallstone item (calcdomain applies PaO2 < 60 to both).
 * Haematocrit fall "> 10 %" is read as > 10 percentage points (some calculators say ≥ 10).
 */
interface RansonCutOffs {
  ageAbove: number;
  wbcAbove: number;
  glucoseAboveMgDl: number;
  ldhAbove: number;
  astAbove: number;
  haematocritFallAbove: number;
  bunRiseAboveMgDl: number;
  calciumBelowMgDl: number;
  /** Undefined: not an item of this variant. */
  pao2BelowMmHg: number | undefined;
  baseDeficitAbove: number;
  fluidAboveL: number;
}

export const RANSON: Record<RansonVariant, RansonCutOffs> = {
  'non-gallstone': {
    ageAbove: 55,
    wbcAbove: 16,
    glucoseAboveMgDl: 200,
    ldhAbove: 350,
    astAbove: 250,
    haematocritFallAbove: 10,
    bunRiseAboveMgDl: 5,
    calciumBelowMgDl: 8,
    pao2BelowMmHg: 60,
    baseDeficitAbove: 4,
    fluidAboveL: 6,
  },
  gallstone: {
    ageAbove: 70,
    wbcAbove: 18,
    glucoseAboveMgDl: 220,
    ldhAbove: 400,
    astAbove: 250,
    haematocritFallAbove: 10,
    bunRiseAboveMgDl: 2,
    calciumBelowMgDl: 8,
    pao2BelowMmHg: undefined,
    baseDeficitAbove: 5,
    fluidAboveL: 4,
  },
};

/** scores.md: ≥ 3 means severe AP likely. */
export const RANSON_SEVERE_AT = 3;

/** The 48 h change of a value: the later (worst) value against admission. */
function change(
  item: string,
  first: Slot<number>,
  later: Slot<number>,
  delta: (first: number, later: number) => number,
  meets: (delta: number) => boolean,
  rule: string,
  unit: string,
): ScoreItem {
  const absent = [first, later].filter((from) => from.value === undefined).map((from) => from.field);
  if (first.value === undefined || later.value === undefined) return missingItem(item, absent, rule, 1);
  const value = Number(delta(first.value, later.value).toPrecision(10));
  return {
    item,
    points: meets(value) ? 1 : 0,
    input: { field: `${first.field} → ${later.field}`, value, unit },
    rule,
  };
}

function chooseVariant(clinical: NormalisedClinical, override?: RansonVariant): [RansonVariant, string] {
  if (override) return [override, 'chosen by the caller'];
  const etiology = clinical.admission.etiology;
  if (etiology === 'biliary') return ['gallstone', 'admission.etiology is biliary'];
  if (etiology === undefined)
    return ['non-gallstone', 'admission.etiology not sent: non-gallstone by default'];
  return ['non-gallstone', `admission.etiology is ${etiology}`];
}

export function ranson(clinical: NormalisedClinical, override?: RansonVariant): RansonResult {
  const [variant, variantReason] = chooseVariant(clinical, override);
  const cut = RANSON[variant];
  const at = <K extends keyof NormalisedClinical['admission'] & string>(key: K) =>
    slot(clinical, 'admission', key);
  const glucoseAbove = glucoseFromMgDl(cut.glucoseAboveMgDl);
  const ureaRiseAbove = ureaFromBunMgDl(cut.bunRiseAboveMgDl);
  const calciumBelow = calciumFromMgDl(cut.calciumBelowMgDl);
  const pao2Below = cut.pao2BelowMmHg;

  const admissionItems = [
    criterion('age', at('age'), (age) => above(age, cut.ageAbove), `> ${cut.ageAbove} years`),
    criterion('WBC', at('wbc'), (wbc) => above(wbc, cut.wbcAbove), `> ${cut.wbcAbove} ×10^9/L`),
    criterion(
      'glucose',
      at('glucose'),
      (glucose) => above(glucose, glucoseAbove),
      `> ${shown(glucoseAbove)} mmol/L (${cut.glucoseAboveMgDl} mg/dL)`,
    ),
    criterion('LDH', at('ldh'), (ldh) => above(ldh, cut.ldhAbove), `> ${cut.ldhAbove} U/L`),
    criterion('AST', at('ast'), (ast) => above(ast, cut.astAbove), `> ${cut.astAbove} U/L`),
  ];
  const h48 = <K extends keyof NormalisedClinical['h48'] & string>(key: K) => slot(clinical, 'h48', key);
  const h48Items = [
    change(
      'haematocrit fall',
      at('haematocrit'),
      h48('haematocrit'),
      (first, later) => first - later,
      (fall) => above(fall, cut.haematocritFallAbove),
      `fall > ${cut.haematocritFallAbove} percentage points`,
      'percentage points',
    ),
    change(
      'BUN rise',
      at('urea'),
      h48('urea'),
      (first, later) => later - first,
      (rise) => above(rise, ureaRiseAbove),
      `urea rise > ${shown(ureaRiseAbove)} mmol/L (BUN > ${cut.bunRiseAboveMgDl} mg/dL)`,
      'mmol/L',
    ),
    within48h(
      'serum calcium',
      h48('calcium'),
      at('calcium'),
      (calcium) => below(calcium, calciumBelow),
      `< ${shown(calciumBelow)} mmol/L (${cut.calciumBelowMgDl} mg/dL)`,
    ),
    ...(pao2Below === undefined
      ? []
      : [
          within48h(
            'arterial PaO2',
            h48('pao2'),
            at('pao2'),
            (pao2) => below(pao2, pao2Below),
            `< ${pao2Below} mmHg`,
          ),
        ]),
    within48h(
      'base deficit',
      h48('baseDeficit'),
      at('baseDeficit'),
      (deficit) => above(deficit, cut.baseDeficitAbove),
      `> ${cut.baseDeficitAbove} mmol/L (mEq/L)`,
    ),
    criterion(
      'fluid sequestration',
      h48('fluidSequestration'),
      (litres) => above(litres, cut.fluidAboveL),
      `> ${cut.fluidAboveL} L`,
    ),
  ];
  const result = assemble('Ranson', [...admissionItems, ...h48Items], {
    max: admissionItems.length + h48Items.length,
    // Mortality bands: Wikipedia and gihep (scores.md section 3).
    bands: [
      { upTo: 2, text: 'mild (0-2, mortality ~2 %)' },
      { upTo: 4, text: 'severe AP likely (3-4, mortality ~15 %)' },
      { upTo: 6, text: 'severe AP likely (5-6, mortality ~40 %)' },
      { upTo: 11, text: 'severe AP likely (7 or more, mortality ~100 %)' },
    ],
    cutOff: { atLeast: RANSON_SEVERE_AT, rule: `Ranson ≥ ${RANSON_SEVERE_AT}: severe AP likely` },
  });
  const sum = (items: ScoreItem[]) => items.reduce((total, item) => total + (item.points ?? 0), 0);
  return {
    ...result,
    variant,
    variantReason,
    admissionPoints: sum(admissionItems),
    h48Points: sum(h48Items),
  };
}
