import { PutObjectCommand } from '@aws-sdk/client-s3';
import { isDicomSourceRecord } from '../../core/imaging/dicom';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { LIMITS } from '../../core/input/limits';
import { rejectionMessage } from '../../core/ingest/rejection-message';
import { validateStudy } from '../../core/ingest/validate-study';
import type { StudyRun } from '../../core/pipeline/run';
import { StepError } from '../../core/pipeline/step-error';
import { studyKeys, workKeys } from '../../core/study/keys';
import { s3 } from '../shared/aws-clients';
import { enterStage } from '../shared/enter-stage';
import { logger } from '../shared/logger';
import { putJson } from '../shared/s3-objects';
import { s3StudySource } from './s3-study-source';
import { perInvocation } from '../shared/per-invocation';

export const handler = perInvocation(validate);

/**
 * Validate: incoming/{id}/* → work/{id}/v-{version}/volume.nii.gz (canonical RAS, int16 HU) and clinical.json
 * (SI units), and for a DICOM series dicom-source.json (what Fuse's DICOM SEG references and copies). A rejected study fails with INPUT_REJECTED listing its first issues (a message Step
 * Functions keeps whole); the full report goes to rejected/{id}/validation.json. The originals under
 * incoming/ are only read.
 *
 * Memory: the image files' bytes and the volume are held together once (about twice the volume), then
 * the gzip output: a 512×512×600 study stays under 1 GB of the function's 3 GB.
 */
async function validate(run: StudyRun): Promise<StudyRun> {
  await enterStage('Validate', run);
  const { studyId, bucket } = run;
  const source = s3StudySource(bucket, studyKeys.incomingPrefix(studyId), LIMITS.maxFiles + 10);
  const { report, volume, clinical, dicomSource } = await validateStudy(source, studyId);
  logger.info('study validated', {
    ok: report.ok,
    codes: report.errors.map((e) => e.code),
    format: report.volume?.format,
    dims: report.volume?.dims,
  });
  if (!report.ok || !volume || !clinical) {
    // The full report first: the message names only the first issues and points here for the rest.
    const reportKey = studyKeys.rejectionReport(studyId);
    await putJson(bucket, reportKey, report);
    throw new StepError('INPUT_REJECTED', rejectionMessage(report.errors, reportKey));
  }
  const keys = workKeys(run);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.volume,
      Body: encodeNiftiGz(volume, { description: 'sap-pipeline canonical CT (RAS, int16 HU)' }),
      ContentType: 'application/gzip',
    }),
  );
  await putJson(bucket, keys.clinical, {
    clinical,
    conversions: report.clinical?.conversions ?? [],
  });
  await putJson(bucket, keys.validation, report);
  const artifacts = { ...run.artifacts, volume: keys.volume, clinical: keys.clinical };
  if (dicomSource && isDicomSourceRecord(dicomSource)) {
    // Read by Fuse for the DICOM SEG. It holds the patient's identification: stored, never logged.
    await putJson(bucket, keys.dicomSource, dicomSource);
    return { ...run, artifacts: { ...artifacts, dicomSource: keys.dicomSource } };
  }
  if (dicomSource) logger.warn('no DICOM SEG for this study', { reason: dicomSource.reason });
  return { ...run, artifacts };
}
