import {
  aucWithCi,
  brierScore,
  calibration,
  calibrationCurve,
  confusionAt,
  delongPaired,
  netBenefit,
  rocCurve,
  youden,
  type AucResult,
  type ConfusionAtThreshold,
  type PairedDelongResult,
} from '../../core/evaluation';
import type { Cohort } from './cohort';

/** Conventional cut-offs of the classic scores (their published high-risk thresholds, core/scores): at or above means "severe". */
export const SCORE_CUTOFFS: Record<string, number> = {
  bisap: 3,
  ranson: 3,
  mctsi: 8,
  sirs: 2,
  glasgowImrie: 3,
  apacheII: 8,
};

export interface SystemEvaluation {
  name: string;
  patients: number;
  missing: number;
  auc: AucResult;
  atCutoff?: ConfusionAtThreshold;
  atYouden: ConfusionAtThreshold;
  /** Paired DeLong test of the model against this system, on the patients both have. */
  versusModel?: PairedDelongResult;
}

export interface Evaluation {
  patients: number;
  events: number;
  model?: string;
  systems: SystemEvaluation[];
  calibration?: ReturnType<typeof calibration> & {
    brier: number;
    curve: ReturnType<typeof calibrationCurve>;
  };
  decisionCurve?: ReturnType<typeof netBenefit>;
  roc: Record<string, { fpr: number; tpr: number }[]>;
}

/** Every figure of `sap evaluate`: per system AUC with DeLong CI, cut-off and Youden operating points; for the model also calibration and net benefit. */
export function evaluateCohort(
  cohort: Cohort,
  modelName: string | undefined,
  modelCutoff: number | undefined,
): Evaluation {
  const labels = Array.from(cohort.outcome);
  const model = modelName ? cohort.systems[modelName] : undefined;
  const systems = Object.entries(cohort.systems).map(([name, values]): SystemEvaluation => {
    const scores = Array.from(values);
    const cutoff = name === modelName ? modelCutoff : SCORE_CUTOFFS[name];
    const best = youden(scores, labels);
    return {
      name,
      patients: labels.length,
      missing: cohort.missing[name] ?? 0,
      auc: aucWithCi(scores, labels),
      atCutoff: cutoff === undefined ? undefined : confusionAt(scores, labels, cutoff),
      atYouden: confusionAt(scores, labels, best.threshold),
      versusModel: model && name !== modelName ? delongPaired(Array.from(model), scores, labels) : undefined,
    };
  });
  const roc = Object.fromEntries(
    Object.entries(cohort.systems).map(([name, values]) => [
      name,
      rocCurve(Array.from(values), labels).map(({ fpr, tpr }) => ({ fpr, tpr })),
    ]),
  );
  const evaluation: Evaluation = {
    patients: labels.length,
    events: labels.filter((l) => l === 1).length,
    model: modelName,
    systems,
    roc,
  };
  if (model) {
    const probs = Array.from(model);
    evaluation.calibration = {
      ...calibration(probs, labels),
      brier: brierScore(probs, labels),
      curve: calibrationCurve(probs, labels),
    };
    evaluation.decisionCurve = netBenefit(probs, labels);
  }
  return evaluation;
}
