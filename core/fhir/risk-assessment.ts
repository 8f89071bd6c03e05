import type { StudyOutputs } from '../fusion/feature-vector';
import type { FusionResult } from '../fusion/fuse';
import type { FeatureSource, RiskLevel } from '../fusion/model-card';
import type { ClassicScores } from '../scores/types';
import { basisInputs } from './basis-inputs';
import { inputObservation } from './input-observations';
import { scoreObservation } from './score-observations';
import type { CodeableConcept, Coding, Observation, Reference, RiskAssessment } from './types';

/** The system of the study ids the pipeline hands out: a study, never a patient (docs/architecture.md). */
export const STUDY_ID_SYSTEM = 'urn:sap-pipeline:study-id';
/** The system of the models' names in RiskAssessment.method, one per model kind. */
export const MODEL_SYSTEM = 'urn:sap-pipeline:model';
/** FHIR R4's Risk Probability code system (https://hl7.org/fhir/R4/codesystem-risk-probability.html). */
export const RISK_PROBABILITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/risk-probability';

type ModelRef = FusionResult['model'];
/** Characters of a model's SHA-256 shown in the method: enough to tell versions apart at a glance. */
const SHA256_PREFIX = 12;

/** The parts of a stored result the RiskAssessment reports. */
export type AssessedResult = Pick<
  FusionResult,
  'probability' | 'riskLevel' | 'riskThresholds' | 'missingInputs' | 'notice'
> & {
  scores: ClassicScores;
  models: { unet?: ModelRef; resnet?: ModelRef; xgboost: ModelRef };
};

export interface AssessedStudy {
  studyId: string;
  /** When the study was scored (ISO 8601 with time zone). */
  assessedAt: string;
  result: AssessedResult;
  /** The fusion model card's features: which inputs the model took and where from. */
  features: readonly FeatureSource[];
  /** What the model read them from. */
  outputs: StudyOutputs;
}

/**
 * A completed study's result as a FHIR R4 RiskAssessment (status final): the probability of severe acute
 * pancreatitis and its risk level, the models that produced it, and its basis (the model inputs, the
 * clinical values of the classic scores and the scores themselves) as contained Observations. The
 * subject is the study, by its id: nothing in it names a patient.
 */
export function riskAssessment(study: AssessedStudy): RiskAssessment {
  const { result } = study;
  const inputs = basisInputs(study.features, study.outputs, result.missingInputs, result.scores);
  const inputObservations = inputs.map((input, n) => inputObservation(input, n + 1));
  const scoreObservations = (Object.keys(result.scores) as (keyof ClassicScores)[]).flatMap((key) => {
    const score = result.scores[key];
    if (!score) return [];
    const derivedFrom = inputObservations
      .filter((_, n) => inputs[n]!.usedBy.includes(key))
      .map((observation) => localReference(observation));
    return [scoreObservation(key, score, derivedFrom)];
  });
  const contained = [...inputObservations, ...scoreObservations];
  const note = notes(result).map((text) => ({ text }));
  return {
    resourceType: 'RiskAssessment',
    contained,
    status: 'final',
    code: { text: 'Early warning of severe acute pancreatitis (sap-pipeline)' },
    subject: { identifier: { system: STUDY_ID_SYSTEM, value: study.studyId } },
    occurrenceDateTime: study.assessedAt,
    method: method(result.models),
    basis: contained.map(localReference),
    prediction: [
      {
        outcome: {
          text: 'Severe acute pancreatitis (revised Atlanta classification: persistent organ failure)',
        },
        probabilityDecimal: result.probability,
        qualitativeRisk: qualitativeRisk(result.riskLevel),
        rationale: thresholdsText(result.riskThresholds, result.models.xgboost),
      },
    ],
    ...(note.length > 0 ? { note } : {}),
  };
}

const localReference = (observation: Observation): Reference => ({ reference: `#${observation.id}` });

/** The three models by kind, name, version and the start of their SHA-256. */
function method(models: AssessedResult['models']): CodeableConcept {
  const kinds = [
    ['unet', 'pancreas segmentation', models.unet],
    ['resnet', 'deep-learning severity classifier', models.resnet],
    ['xgboost', 'fusion model', models.xgboost],
  ] as const;
  const used = kinds.flatMap(([kind, role, model]) => (model ? [{ kind, role, model }] : []));
  const coding = used.map(({ kind, role, model }): Coding => ({
    system: `${MODEL_SYSTEM}:${kind}`,
    code: model.name,
    version: model.version,
    display: `${role} ${model.name} ${model.version} (sha256 ${model.sha256.slice(0, SHA256_PREFIX)})`,
  }));
  const text = `sap-pipeline: ${coding.map((c) => c.display).join('; ')}`;
  return { coding, text };
}

function qualitativeRisk(level: RiskLevel): CodeableConcept {
  return { coding: [{ system: RISK_PROBABILITY_SYSTEM, code: level }], text: `${level} risk` };
}

/** How the probability maps to the risk level (core/fusion/model-card.ts riskLevel), in words. */
export function thresholdsText(thresholds: AssessedResult['riskThresholds'], card: ModelRef): string {
  const { moderate, high } = thresholds;
  return (
    `Risk level from the probability with the thresholds of the fusion model card ${card.name} ${card.version}: ` +
    `low below ${moderate}, moderate from ${moderate} to below ${high}, high at ${high} or above.`
  );
}

function notes(result: AssessedResult): string[] {
  const missing = result.missingInputs.map((m) => m.feature);
  return [
    ...(result.notice ? [result.notice] : []),
    ...(missing.length > 0
      ? [`Model inputs the study lacked, passed to the model as missing: ${missing.join(', ')}.`]
      : []),
  ];
}
