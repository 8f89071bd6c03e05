/**
 * XGBoost model evaluation without native code: models saved by `Booster.save_model` (JSON or UBJSON),
 * predictions that match XGBoost bit for bit where XGBoost's own arithmetic allows (float32 splits and
 * sums), exact TreeSHAP contributions and interactions, and `get_score` importances.
 */
export { featureImportance, IMPORTANCE_TYPES, type ImportanceType } from './importance';
export { predictInteractions } from './interactions';
export { loadXgboostModel, type LoadOptions } from './load';
export { outputsPerRow, sigmoid } from './objective';
export {
  predict,
  predictBatch,
  predictMargin,
  prepareRow,
  rowFromRecord,
  type BatchOptions,
  type Row,
} from './predict';
export { contribsInto, predictContribs } from './shap';
export { SUPPORTED_OBJECTIVES, XgboostModelError, type XgbModel, type XgbObjective } from './types';
export { decodeUbjson, UbjsonError, type UbjValue } from './ubjson';
