export {
  riskAssessment,
  thresholdsText,
  MODEL_SYSTEM,
  RISK_PROBABILITY_SYSTEM,
  STUDY_ID_SYSTEM,
  type AssessedResult,
  type AssessedStudy,
} from './risk-assessment';
export { LOINC_SYSTEM, loincCoding } from './loinc';
export { UCUM_SYSTEM, quantity, ucumCode } from './ucum';
export type { Observation, RiskAssessment } from './types';
