export type { Label, Score } from './data';
export { OUTCOME_SPELLINGS, parseOutcomeText } from './outcome-text';
export { aucWithCi, delongPaired, midranks } from './auc';
export type { AucResult, PairedDelongResult } from './auc';
export { confusionAt, rocCurve, youden } from './threshold';
export type { ConfusionAtThreshold, RocPoint, YoudenResult } from './threshold';
export {
  brierScore,
  calibration,
  calibrationCurve,
  calibrationGroups,
  LOGIT_EPSILON,
  MAX_CALIBRATION_GROUPS,
  RARER_OUTCOME_PER_GROUP,
} from './calibration';
export type { CalibrationBin, CalibrationFit } from './calibration';
export { DEFAULT_THRESHOLDS, netBenefit } from './decision-curve';
export type { NetBenefitPoint } from './decision-curve';
export { normalCdf, normalQuantile, twoSidedP } from './normal';
