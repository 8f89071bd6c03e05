import { NoSuchKey } from '@aws-sdk/client-s3';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { resultKeys } from '../../core/study/keys';
import { requiredEnv } from '../shared/env';
import { getBytes } from '../shared/s3-objects';
import { refusal, studyOrRefusal, type ApiAnswer } from './answers';

/** The FHIR JSON media type (https://hl7.org/fhir/R4/http.html#mime-type). */
export const FHIR_JSON = 'application/fhir+json';

export type RiskAssessmentAnswer = { status: 200; fhirJson: string } | ApiAnswer;

/**
 * GET /studies/{studyId}/fhir: the completed study's FHIR R4 RiskAssessment, as the Fuse step stored it.
 * It is read from the study's manifest version (results/{id}/v-{digest}/risk-assessment.json, written
 * before COMPLETED, as the report link is), so it always belongs to the result GET /studies/{id} shows.
 */
export async function readRiskAssessment(studyId: string): Promise<RiskAssessmentAnswer> {
  const found = await studyOrRefusal(studyId);
  if ('refused' in found) return found.refused;
  const { study } = found;
  if (study.status !== 'COMPLETED')
    return refusal(
      404,
      'STUDY_NOT_COMPLETED',
      `study ${studyId} is ${study.status}: only a COMPLETED study has a FHIR RiskAssessment`,
    );
  try {
    const bytes = await getBytes(requiredEnv(FUNCTION_ENV.studiesBucket), resultKeys(study).riskAssessment);
    return { status: 200, fhirJson: new TextDecoder().decode(bytes) };
  } catch (error) {
    // S3 answers NoSuchKey (404) to a role that may list the bucket, as this one may (grantRead on results/)
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions").
    if (!(error instanceof NoSuchKey)) throw error;
    return refusal(
      404,
      'NO_RISK_ASSESSMENT',
      `study ${studyId} was completed before FHIR output existed: rescore it (POST /studies/${studyId}/rescore) to write its RiskAssessment`,
    );
  }
}
