import {
  aucWithCi,
  brierScore,
  calibration,
  calibrationCurve,
  calibrationGroups,
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
import { cohortWarnings, systemWarning } from './warnings';

/** Conventional cut-offs of the classic scores (their published high-risk thresholds, core/scores): at or above means "severe". */
export const SCORE_CUTOFFS: Record<string, number> = {
  bisap: 3,
  ranson: 3,
  mctsi: 8,
  sirs: 2,
  glasgowImrie: 3,
  apacheII: 8,
};

/** The patients a figure was computed on: those with a value (both values, for a paired test). */
export interface Sample {
  patients: number;
  events: number;
}

/** A figure that cannot be computed on these patients, and why (no value, or only one outcome class). */
export interface NotEstimable extends Sample {
  name: string;
  reason: string;
}

/** The paired DeLong test of the model against a system, with the patients both have. */
export type Comparison = PairedDelongResult & Sample;

export interface SystemEvaluation {
  name: string;
  patients: number;
  missing: number;
  auc: AucResult;
  atCutoff?: ConfusionAtThreshold;
  atYouden: ConfusionAtThreshold;
  /** Paired DeLong test of the model against this system, on the patients both have. */
  versusModel?: Comparison | NotEstimable;
}

export interface Evaluation {
  patients: number;
  events: number;
  model?: string;
  /** Small samples, scores complete for few patients: read the figures with these in mind. */
  warnings: string[];
  systems: SystemEvaluation[];
  /** Systems with no AUC on this cohort (the model among them when its probabilities allow none). */
  notEstimable: NotEstimable[];
  calibration?: ReturnType<typeof calibration> & {
    brier: number;
    /** Groups of the calibration curve, by calibrationGroups' rule (`groupRule`). */
    groups: number;
    groupRule: string;
    curve: ReturnType<typeof calibrationCurve>;
  };
  decisionCurve?: ReturnType<typeof netBenefit>;
  roc: Record<string, { fpr: number; tpr: number }[]>;
}

export const CALIBRATION_GROUP_RULE =
  'groups = ⌊patients of the rarer outcome / 5⌋, at least 2 and at most 10 (about five events a group)';

/**
 * Every figure of `sap evaluate`: per system AUC with DeLong CI, cut-off and Youden operating points, the
 * paired test against the model; for the model also calibration and net benefit. A system complete only for
 * patients of one outcome class is "not estimable" with the reason; the rest of the evaluation goes on.
 */
export function evaluateCohort(
  cohort: Cohort,
  modelName: string | undefined,
  modelCutoff: number | undefined,
): Evaluation {
  const labels = Array.from(cohort.outcome);
  const events = labels.filter((l) => l === 1).length;
  const warnings = cohortWarnings(labels.length, events);
  const notEstimable: NotEstimable[] = [];
  const estimable = Object.entries(cohort.systems).filter(([name, values]) => {
    const why = whyNotEstimable(name, sample(values, labels), `a complete ${name}`);
    if (why) notEstimable.push(why);
    return !why;
  });
  const model =
    modelName && estimable.some(([name]) => name === modelName) ? cohort.systems[modelName] : undefined;
  const systems = estimable.map(([name, values]): SystemEvaluation => {
    const scores = Array.from(values);
    const cutoff = name === modelName ? modelCutoff : SCORE_CUTOFFS[name];
    const best = youden(scores, labels);
    const warning = systemWarning(name, labels.length, events, sample(values, labels));
    if (warning) warnings.push(warning);
    return {
      name,
      patients: labels.length,
      missing: cohort.missing[name] ?? 0,
      auc: aucWithCi(scores, labels),
      atCutoff: cutoff === undefined ? undefined : confusionAt(scores, labels, cutoff),
      atYouden: confusionAt(scores, labels, best.threshold),
      versusModel: model && name !== modelName ? compare(model, values, labels, name) : undefined,
    };
  });
  const roc = Object.fromEntries(
    estimable.map(([name, values]) => [
      name,
      rocCurve(Array.from(values), labels).map(({ fpr, tpr }) => ({ fpr, tpr })),
    ]),
  );
  const evaluation: Evaluation = {
    patients: labels.length,
    events,
    model: modelName,
    warnings,
    systems,
    notEstimable,
    roc,
  };
  const constant = model && constantValue(model);
  if (model && constant !== undefined)
    notEstimable.push({
      name: `calibration of ${modelName}`,
      ...sample(model, labels),
      reason: `every predicted probability is ${constant}: no calibration slope or curve`,
    });
  else if (model) {
    const probs = Array.from(model);
    const { patients, events: modelEvents } = sample(model, labels);
    const groups = calibrationGroups(modelEvents, patients - modelEvents);
    evaluation.calibration = {
      ...calibration(probs, labels),
      brier: brierScore(probs, labels),
      groups,
      groupRule: CALIBRATION_GROUP_RULE,
      curve: calibrationCurve(probs, labels, groups),
    };
    evaluation.decisionCurve = netBenefit(probs, labels);
  }
  return evaluation;
}

/** The patients with a value (in `other` too, when given), and how many of them had SAP. */
function sample(values: Float64Array, labels: number[], other?: Float64Array): Sample {
  let patients = 0;
  let events = 0;
  labels.forEach((label, i) => {
    if (Number.isNaN(values[i]!) || (other && Number.isNaN(other[i]!))) return;
    patients++;
    events += label;
  });
  return { patients, events };
}

/** The one value every patient with a value has, if they all have the same. */
function constantValue(values: Float64Array): number | undefined {
  const present = values.filter((v) => !Number.isNaN(v));
  return present.every((v) => v === present[0]) ? present[0] : undefined;
}

/** Why no AUC can be computed on these patients; `what` is the score ("bisap") or the pair compared. */
function whyNotEstimable(name: string, { patients, events }: Sample, what = name): NotEstimable | undefined {
  const one = events === 0 || events === patients;
  if (patients > 0 && !one) return undefined;
  const reason =
    patients === 0
      ? `no patient has ${what}`
      : `only ${patients} patient${patients === 1 ? ' has' : 's have'} ${what}, ${events === 0 ? 'none' : 'all'} ` +
        'with SAP: an AUC needs patients with and without SAP';
  return { name, patients, events, reason };
}

function compare(
  model: Float64Array,
  values: Float64Array,
  labels: number[],
  name: string,
): Comparison | NotEstimable {
  const both = sample(model, labels, values);
  const why = whyNotEstimable(name, both, `both the model's probability and ${name}`);
  return why ?? { ...delongPaired(Array.from(model), Array.from(values), labels), ...both };
}
