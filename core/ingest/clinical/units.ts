/**
 * Units of clinical.json and the factors that convert accepted alternatives into the canonical (SI) unit.
 * Every factor in the project lives here, each with its source. `to = from × factor + offset`.
 * Where a score's published table gives a conversion factor, that one is used, so scores
 * computed from converted values meet the thresholds written in either unit.
 */

/** A unit as written in clinical.json. `aliases` are other spellings of the same unit (UCUM codes among them). */
export interface UnitSpelling {
  unit: string;
  aliases?: readonly string[];
}

/** An accepted non-canonical unit and how it becomes the canonical one. */
export interface UnitConversion extends UnitSpelling {
  factor: number;
  /** Added after multiplying; only temperature has one. */
  offset?: number;
  /** Where the factor comes from. */
  source: string;
}

const SCORES_MD = 'domain/scores.md, unit conversions';

/** Molar-mass conversions (mg/dL → mmol/L = 10 / M) not given in scores.md. */
const MOLAR_MASS = (compound: string, gramsPerMol: number) =>
  `10 / molar mass of ${compound} (${gramsPerMol} g/mol)`;

export const UNITS = {
  years: { unit: 'years', aliases: ['year', 'y', 'a', 'yr'] },
  kg: { unit: 'kg' },
  cm: { unit: 'cm' },
  kgPerM2: { unit: 'kg/m²', aliases: ['kg/m^2'] },
  celsius: { unit: '°C', aliases: ['C', 'Cel', 'degC'] },
  perMin: {
    unit: '/min',
    aliases: ['bpm', 'beats/min', 'breaths/min', '{beats}/min', '{breaths}/min', '1/min'],
  },
  mmHg: { unit: 'mmHg', aliases: ['mm[Hg]'] },
  points: { unit: 'points', aliases: ['{score}', 'point'] },
  fraction: { unit: 'fraction', aliases: ['1', 'ratio', '{ratio}'] },
  pH: { unit: 'pH', aliases: ['[pH]'] },
  mmolL: { unit: 'mmol/L' },
  umolL: { unit: 'µmol/L' },
  perNanoL: { unit: '10^9/L', aliases: ['10*9/L', '×10^9/L', '10⁹/L', '×10⁹/L', 'G/L'] },
  percent: { unit: '%' },
  mgL: { unit: 'mg/L' },
  ngmL: { unit: 'ng/mL' },
  gL: { unit: 'g/L' },
  unitsL: { unit: 'U/L', aliases: ['IU/L', '[IU]/L'] },
  mgLFeu: { unit: 'mg/L FEU', aliases: ['mg/L{FEU}'] },
  litre: { unit: 'L' },
  hours: { unit: 'h', aliases: ['hours', 'hour', 'hr'] },
} as const satisfies Record<string, UnitSpelling>;

const mmHgPerKPa = 760 / 101.325;

/** Accepted alternatives, by the quantity they convert. */
export const CONVERSIONS = {
  pounds: {
    unit: 'lb',
    aliases: ['[lb_av]', 'lbs'],
    factor: 0.45359237,
    source: 'international avoirdupois pound',
  },
  metres: { unit: 'm', factor: 100, source: 'SI' },
  inches: { unit: 'in', aliases: ['[in_i]'], factor: 2.54, source: 'international inch' },
  fahrenheit: {
    unit: '°F',
    aliases: ['F', '[degF]', 'degF'],
    factor: 5 / 9,
    offset: (-32 * 5) / 9,
    source: '°C = (°F − 32) × 5/9',
  },
  kPaToMmHg: { unit: 'kPa', factor: mmHgPerKPa, source: '1 atm = 101.325 kPa = 760 mmHg' },
  percentToFraction: { unit: '%', factor: 0.01, source: 'per cent' },
  meqL: { unit: 'mEq/L', factor: 1, source: 'monovalent ion: 1 mEq = 1 mmol' },
  /** Calcium is divalent: 1 mmol = 2 mEq. */
  calciumMeqL: { unit: 'mEq/L', factor: 0.5, source: 'divalent ion: 1 mmol = 2 mEq' },
  perMicroL1000: {
    unit: '10^3/µL',
    aliases: ['10*3/uL', '×10^3/µL', '×10³/µL', 'K/µL', '10^3/mm3', '10*3/mm3'],
    factor: 1,
    source: SCORES_MD,
  },
  perMicroL: {
    unit: '/µL',
    aliases: ['cells/µL', '/mm3', '{cells}/uL'],
    factor: 0.001,
    source: '10^9/L = 1000/µL',
  },
  litreFraction: { unit: 'L/L', factor: 100, source: 'volume fraction × 100 = %' },
  crpMgDl: { unit: 'mg/dL', factor: 10, source: '1 dL = 0.1 L' },
  microgramPerL: { unit: 'µg/L', factor: 1, source: '1 µg/L = 1 ng/mL' },
  triglyceridesMgDl: { unit: 'mg/dL', factor: 0.01129, source: SCORES_MD },
  cholesterolMgDl: { unit: 'mg/dL', factor: 0.02586, source: MOLAR_MASS('cholesterol', 386.65) },
  calciumMgDl: { unit: 'mg/dL', factor: 0.2495, source: SCORES_MD },
  bunMgDl: {
    unit: 'mg/dL BUN',
    aliases: ['mg/dL{BUN}'],
    factor: 1 / 2.801,
    source: `${SCORES_MD} (÷ 2.801)`,
  },
  ureaMgDl: {
    unit: 'mg/dL urea',
    aliases: ['mg/dL{urea}'],
    factor: 0.1665,
    source: MOLAR_MASS('urea', 60.06),
  },
  creatinineMgDl: { unit: 'mg/dL', factor: 88.4, source: SCORES_MD },
  glucoseMgDl: { unit: 'mg/dL', factor: 1 / 18.016, source: `${SCORES_MD} (÷ 18.016)` },
  enzymeMicrokatal: {
    unit: 'µkat/L',
    factor: 60,
    source: '1 µkat/L = 60 U/L',
  },
  proteinGdl: { unit: 'g/dL', factor: 10, source: SCORES_MD },
  bilirubinMgDl: { unit: 'mg/dL', factor: 17.1, source: MOLAR_MASS('bilirubin', 584.66) },
  dDimerUgMl: {
    unit: 'µg/mL FEU',
    factor: 1,
    source: '1 µg/mL = 1 mg/L',
  },
  dDimerNgMl: {
    unit: 'ng/mL FEU',
    aliases: ['µg/L FEU'],
    factor: 0.001,
    source: '1 ng/mL = 0.001 mg/L',
  },
  kiloUnitsL: { unit: 'kU/L', factor: 1000, source: 'SI prefix' },
  millilitres: { unit: 'mL', factor: 0.001, source: 'SI prefix' },
  days: { unit: 'd', aliases: ['days', 'day'], factor: 24, source: '1 d = 24 h' },
} as const satisfies Record<string, UnitConversion>;

/**
 * How units are compared: case, spaces, micro signs (µ U+00B5, μ U+03BC, u) and × vs x do not matter.
 * No two accepted units of one field differ only in these.
 */
export function unitKey(unit: string): string {
  return unit.normalize('NFKC').toLowerCase().replace(/[µμ]/g, 'u').replace(/×/g, 'x').replace(/\s+/g, '');
}

export function spellings(unit: UnitSpelling): string[] {
  return [unit.unit, ...(unit.aliases ?? [])];
}

export function matchesUnit(given: string, unit: UnitSpelling): boolean {
  const key = unitKey(given);
  return spellings(unit).some((spelling) => unitKey(spelling) === key);
}

/** Converted values keep 6 significant digits: far beyond any assay's precision, free of float noise. */
export function convert(value: number, conversion: Pick<UnitConversion, 'factor' | 'offset'>): number {
  return Number((value * conversion.factor + (conversion.offset ?? 0)).toPrecision(6));
}
