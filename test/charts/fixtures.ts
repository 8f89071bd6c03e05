import type { WaterfallContribution, WaterfallInput } from '../../core/charts';

export const CONTRIBUTIONS: WaterfallContribution[] = [
  { feature: 'pleural_effusion', label: 'Pleural effusion', value: 1, shap: 0.82 },
  { feature: 'crp_48h', label: 'C-reactive protein at 48 h', value: 182.4, unit: 'mg/L', shap: 0.61 },
  { feature: 'age', label: 'Age', value: 47, unit: 'years', shap: -0.28 },
  { feature: 'hct', label: 'Haematocrit', value: null, unit: '%', shap: 0.12 },
  { feature: 'bmi', label: 'Body-mass index', value: 24.1, unit: 'kg/m²', shap: -0.17 },
];

export const sum = (cs: readonly { shap: number }[]) => cs.reduce((s, c) => s + c.shap, 0);

/** A consistent input: the prediction is exactly base + the contributions. */
export function waterfallInput(
  contributions: WaterfallContribution[] = CONTRIBUTIONS,
  extra: Partial<WaterfallInput> = {},
): WaterfallInput {
  const baseValue = -1.3;
  return {
    title: 'Why this risk?',
    baseValue,
    prediction: { margin: baseValue + sum(contributions) },
    contributions,
    scale: 'log-odds',
    footnote: 'Synthetic demo model, not for clinical use',
    ...extra,
  };
}

/** n features with distinct |SHAP|, alternating sign, named f00..f(n-1) in decreasing |SHAP|. */
export function manyFeatures(n: number): WaterfallContribution[] {
  return Array.from({ length: n }, (_, i) => ({
    feature: `f${String(i).padStart(2, '0')}`,
    value: i,
    shap: (i % 2 === 0 ? 1 : -1) * (n - i) * 0.05,
  }));
}
