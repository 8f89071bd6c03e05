import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { buildPancreasSegmentation } from '../../core/dicom-seg';
import { dicomSourceRecordSchema, type DicomSourceRecord } from '../../core/imaging/dicom';
import type { Mask } from '../../core/imaging/mask';
import type { InferenceResult } from '../../core/inference/result';
import { modeOf, type StudyRun } from '../../core/pipeline/run';
import { runSegmentationKey, studyKeys, workKeys } from '../../core/study/keys';
import { s3 } from '../shared/aws-clients';
import { logger } from '../shared/logger';
import { corruptArtifact } from '../shared/s3-objects';

const DICOM_MEDIA_TYPE = 'application/dicom';

/**
 * The run's pancreas mask as a DICOM Segmentation of the uploaded series, written to
 * results/{id}/v-{digest}/pancreas-seg.dcm; returns its bytes for publishSegmentation. Undefined, with
 * nothing read or written, for a run whose Validate recorded no dicom-source.json in its artifacts: a
 * NIfTI upload (no DICOM UIDs to reference) or a series no SEG could reference. A rescore writes its scoring
 * run's SEG again: the same mask, UIDs and content date give the same bytes, and its report can link it. The mask must be the run's work/…/mask.nii.gz, on the
 * normalised volume's grid; `inference` names the U-Net.
 */
export async function writeRunSegmentation(
  run: StudyRun,
  mask: Mask,
  inference: InferenceResult | undefined,
): Promise<Uint8Array | undefined> {
  const source = await readDicomSource(run);
  if (!source) return undefined;
  if (!inference) {
    logger.warn('no DICOM SEG: inference.json does not name the U-Net', { studyId: run.studyId });
    return undefined;
  }
  const bytes = buildPancreasSegmentation({
    mask,
    source,
    model: inference.models.unet,
    instanceName: `${run.studyId}/${run.manifestVersion}`,
    createdAt: await maskCreatedAt(run),
    notForClinicalUse: inference.syntheticModels?.includes('unet') ?? inference.synthetic,
  });
  await putDicom(run.bucket, runSegmentationKey(run), bytes);
  return bytes;
}

/**
 * results/{id}/pancreas-seg.dcm: the latest completed run's SEG. Called after that run's result was
 * stored, like the report's copy; nothing for a run without a SEG.
 */
export async function publishSegmentation(
  run: StudyRun,
  segmentation: Uint8Array | undefined,
): Promise<void> {
  if (segmentation) await putDicom(run.bucket, studyKeys.segmentation(run.studyId), segmentation);
}

/**
 * dicom-source.json, or undefined where the run's Validate wrote none, or where it expired (work/ artifacts
 * do, after workRetentionDays). Never logged: patient data.
 */
async function readDicomSource(run: StudyRun): Promise<DicomSourceRecord | undefined> {
  // A rescore carries no artifacts: its scoring run's record, if Validate wrote one, is under the same
  // manifest version's work/ prefix.
  const key = modeOf(run) === 'rescore' ? await keptDicomSource(run) : run.artifacts.dicomSource;
  if (key === undefined) return undefined;
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: run.bucket, Key: key }));
    text = (await response.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (!(error instanceof NoSuchKey)) throw error;
    logger.warn('no DICOM SEG: dicom-source.json has expired', { studyId: run.studyId });
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corruptArtifact(run.bucket, key, 'it is not valid JSON');
  }
  const record = dicomSourceRecordSchema.safeParse(parsed);
  if (!record.success) throw corruptArtifact(run.bucket, key, 'it is not a DICOM source record');
  return record.data;
}

/** The scoring run's dicom-source.json key, where it wrote one (a DICOM upload) and it has not expired. */
async function keptDicomSource(run: StudyRun): Promise<string | undefined> {
  const key = workKeys(run).dicomSource;
  try {
    await s3.send(new HeadObjectCommand({ Bucket: run.bucket, Key: key }));
    return key;
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}

/**
 * When the mask was written: the SEG's ContentDate/Time. From the object, not the clock, so a retry or a
 * rescore of the run writes the very same file under the same UIDs.
 */
async function maskCreatedAt(run: StudyRun): Promise<Date> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: run.bucket, Key: workKeys(run).mask }));
  return head.LastModified ?? new Date();
}

async function putDicom(bucket: string, key: string, bytes: Uint8Array): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: DICOM_MEDIA_TYPE }),
  );
}
