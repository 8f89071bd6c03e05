import { NoSuchKey } from '@aws-sdk/client-s3';
import type { StudyOutputs } from '../../core/fusion/feature-vector';
import type { NormalisedClinical } from '../../core/ingest/clinical/catalogue';
import type { StudyRun } from '../../core/pipeline/run';
import { StepError } from '../../core/pipeline/step-error';
import type { RadiomicsResult } from '../../core/radiomics/extract';
import { workKeys } from '../../core/study/keys';
import { getJson } from '../shared/s3-objects';

export interface FuseInputs extends StudyOutputs {
  clinical: NormalisedClinical;
}

/**
 * The run's clinical record, radiomics and inference result. Work artifacts expire (the stack's
 * workRetentionDays), so a rescore of an old run may find them gone: ARTIFACTS_MISSING says which.
 */
export async function readFuseInputs(run: StudyRun): Promise<FuseInputs> {
  const keys = workKeys(run);
  const read = (name: string, key: string) =>
    getJson(run.bucket, key).catch((error: unknown) => {
      if (error instanceof NoSuchKey)
        throw new StepError(
          'ARTIFACTS_MISSING',
          `${name} of study ${run.studyId} (manifest version ${run.manifestVersion}) is not at ${key}: ` +
            'work artifacts expire; run the study again to score it',
        );
      throw error;
    });
  const [clinicalDoc, radiomicsDoc, inference] = await Promise.all([
    read('clinical.json', keys.clinical) as Promise<{ clinical: NormalisedClinical }>,
    read('radiomics.json', keys.radiomics) as Promise<RadiomicsResult>,
    read('inference.json', keys.inference),
  ]);
  return {
    clinical: clinicalDoc.clinical,
    radiomics: radiomicsDoc.features,
    undefinedRadiomics: radiomicsDoc.undefinedFeatures,
    inference,
  };
}
