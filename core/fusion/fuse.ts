import { shapWaterfallSvg } from '../charts';
import { predict, predictContribs, type XgbModel } from '../xgboost';
import { assembleFeatures, type StudyOutputs } from './feature-vector';
import { riskLevel, type ModelCard, type RiskLevel } from './model-card';

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
  model: { name: string; version: string; sha256: string };
  label?: typeof SYNTHETIC_LABEL;
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
    model: { name: card.name, version: card.version, sha256: card.sha256 },
    ...(card.syntheticDemo ? { label: SYNTHETIC_LABEL } : {}),
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
    footnote: `Model ${card.name} ${card.version}.${card.syntheticDemo ? ` ${SYNTHETIC_LABEL}.` : ''}`,
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
