import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StudyRun } from '../../core/pipeline/run';
import type { StageName } from '../../core/pipeline/steps';
import { workKeys } from '../../core/study/keys';
import type { FaultPlan } from './faults';

export type RunArtifact = 'volume' | 'clinical' | 'mask' | 'inference' | 'radiomics';

/** Neither gzip nor JSON nor NIfTI: every artifact reader must refuse it. */
const GARBAGE = new TextEncoder().encode('\u0000corrupted between steps by the local stack\u0000');

/**
 * A `betweenSteps` fault: once `after` has succeeded for `studyId`, overwrites the run's `artifact` (under
 * its work/{id}/v-{version}/ prefix) before the next step reads it.
 */
export function corruptArtifact(
  s3: S3Client,
  options: { studyId: string; after: StageName; artifact: RunArtifact; bytes?: Uint8Array },
): NonNullable<FaultPlan['betweenSteps']> {
  return async ({ stage, output }) => {
    const run = output as StudyRun;
    if (stage !== options.after || run.studyId !== options.studyId) return;
    await s3.send(
      new PutObjectCommand({
        Bucket: run.bucket,
        Key: workKeys(run)[options.artifact],
        Body: options.bytes ?? GARBAGE,
      }),
    );
  };
}
