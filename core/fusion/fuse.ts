import { shapWaterfallSvg } from '../charts';
import { predict, predictContribs, type XgbModel } from '../xgboost';
import { assembleFeatures, type StudyOutputs } from './feature-vector';
import type { MissingInput } from './missing-inputs';
import { riskLevel, type ModelCard, type RiskLevel } from './model-card';
import { syntheticMark, type SyntheticModel } from './synthetic';

export const SYNTHETIC_LABEL = 'Synthetic demo model, not for clinical use';
/** Factors named in the result; the chart shows more. */
const TOP_FACTORS = 5;
const CHART_FEATURES = 10;

export interface TopFactor {
  feature: string;
  label: string;
  /** The study's value; null when it was missing. */
  value: number | null;
  unit?: string;
  /** Contribution to the log-odds of SAP. */
  shap: number;
  direction: 'raises' | 'lowers';
  /** The factor in plain words. */
  text: string;
}

export interface FusionResult {
  probability: number;
  /** Log-odds of SAP: the model's margin. */
  margin: number;
  riskLevel: RiskLevel;
  riskThresholds: ModelCard['riskThresholds'];
  topFactors: TopFactor[];
  /** Model inputs the study did not have: passed as missing, following each split's default direction. */
  missingFeatures: string[];
  /** The same inputs, each with where the card reads it (source, path) and why the study lacks it. */
  missingInputs: MissingInput[];
  model: { name: string; version: string; sha256: string };
  /** The fusion model itself was trained on synthetic data (kept for clients that read it). */
  label?: typeof SYNTHETIC_LABEL;
  /** True when any of the three models behind the result is a synthetic demo model. */
  synthetic: boolean;
  /** Which, where known; with `notice`, present only when `synthetic`. */
  syntheticModels?: SyntheticModel[];
  /** One sentence: "Synthetic demo models, not for clinical use: …", naming the models. */
  notice?: string;
}

export class ModelCardMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MODEL_CARD_MISMATCH';
  }
}

/**
 * The fusion model's probability of SAP for one study, why (exact TreeSHAP), and the waterfall chart of it.
 * The card must describe the model: the same feature names in the same order, a binary logistic objective.
 */
export function fuse(
  model: XgbModel,
  card: ModelCard,
  outputs: StudyOutputs,
): { result: FusionResult; explanationSvg: string } {
  checkCardFitsModel(model, card);
  const vector = assembleFeatures(card, outputs);
  const synthetic = syntheticMark(card, outputs.inference);
  const [probability] = predict(model, vector.values) as [number];
  const contribs = predictContribs(model, vector.values)[0]!;
  const bias = contribs[contribs.length - 1]!;
  const margin = contribs.reduce((sum, c) => sum + c, 0);
  const factors = card.features
    .map((feature, n): TopFactor => {
      const value = Number.isNaN(vector.values[n]!) ? null : vector.values[n]!;
      const shap = contribs[n]!;
      const label = feature.label ?? feature.name;
      const direction = shap >= 0 ? 'raises' : 'lowers';
      const shown =
        value === null
          ? 'missing'
          : `${Number(value.toPrecision(4))}${feature.unit ? ` ${feature.unit}` : ''}`;
      const text = `${label} (${shown}) ${direction} the risk (${shap >= 0 ? '+' : '−'}${Math.abs(shap).toFixed(2)} log-odds)`;
      return { feature: feature.name, label, value, unit: feature.unit, shap, direction, text };
    })
    .sort((a, b) => Math.abs(b.shap) - Math.abs(a.shap) || a.feature.localeCompare(b.feature));

  const result: FusionResult = {
    probability,
    margin,
    riskLevel: riskLevel(probability, card),
    riskThresholds: card.riskThresholds,
    topFactors: factors.slice(0, TOP_FACTORS),
    missingFeatures: vector.missing,
    missingInputs: vector.missingInputs,
    model: { name: card.name, version: card.version, sha256: card.sha256 },
    ...(card.syntheticDemo ? { label: SYNTHETIC_LABEL } : {}),
    ...synthetic,
  };
  const explanationSvg = shapWaterfallSvg({
    title: `Probability of severe acute pancreatitis: ${(probability * 100).toFixed(0)} % (${result.riskLevel} risk)`,
    baseValue: bias,
    prediction: { margin, probability },
    contributions: factors.map((f) => ({
      feature: f.feature,
      label: f.label,
      value: f.value,
      unit: f.unit,
      shap: f.shap,
    })),
    topN: CHART_FEATURES,
    scale: 'log-odds',
    // The chart is also a file of its own (explanation.svg): it carries the notice too.
    footnote: `Model ${card.name} ${card.version}.${synthetic.notice ? ` ${synthetic.notice}` : ''}`,
  });
  return { result, explanationSvg };
}

function checkCardFitsModel(model: XgbModel, card: ModelCard): void {
  if (model.objective !== 'binary:logistic') {
    throw new ModelCardMismatch(
      `the fusion model must be binary:logistic (a probability of SAP), not ${model.objective}`,
    );
  }
  const cardNames = card.features.map((f) => f.name);
  const differs =
    model.featureNames.length !== cardNames.length ||
    model.featureNames.some((name, n) => name !== cardNames[n]);
  if (differs) {
    const unknown = model.featureNames.filter((name) => !cardNames.includes(name));
    const extra = cardNames.filter((name) => !model.featureNames.includes(name));
    throw new ModelCardMismatch(
      `the card's features must be the model's, in its order: model-only ${JSON.stringify(unknown)}, card-only ${JSON.stringify(extra)}`,
    );
  }
}
