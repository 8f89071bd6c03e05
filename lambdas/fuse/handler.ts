import { fuse } from '../../core/fusion/fuse';
import { loadFusionModel } from '../../core/fusion/load-model';
import { modelCardSchema, type ModelCard } from '../../core/fusion/model-card';
import type { NormalisedClinical } from '../../core/ingest/clinical/catalogue';
import { inferenceResultSchema } from '../../core/inference/result';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import type { StudyRun } from '../../core/pipeline/run';
import { StepError } from '../../core/pipeline/step-error';
import type { RadiomicsResult } from '../../core/radiomics/extract';
import { studyReportHtml } from '../../core/report';
import { classicScores } from '../../core/scores';
import { studyKeys, workKeys } from '../../core/study/keys';
import type { XgbModel } from '../../core/xgboost';
import { enterStage } from '../shared/enter-stage';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { getBytes, getJson, putText } from '../shared/s3-objects';
import { readVolumeAndMask } from '../shared/study-images';
import { moveStatus } from '../shared/studies-table';

/** Loaded once per container: a warm function does not fetch and parse the model again. */
let cached: { key: string; card: ModelCard; model: XgbModel } | undefined;

async function fusionModel(): Promise<{ card: ModelCard; model: XgbModel }> {
  const bucket = requiredEnv(FUNCTION_ENV.modelsBucket);
  const prefix = requiredEnv(FUNCTION_ENV.xgboostModelPrefix);
  const cardJson = await getJson(bucket, `${prefix}model-card.json`);
  const card = modelCardSchema.parse(cardJson);
  const key = `${bucket}/${prefix}${card.file}@${card.sha256}`;
  if (cached?.key !== key)
    cached = { key, ...loadFusionModel(cardJson, await getBytes(bucket, prefix + card.file)) };
  return cached;
}

/**
 * Fuse: clinical.json + radiomics.json + inference.json → the probability of SAP with its SHAP factors and
 * the classic scores, stored on the study as COMPLETED in one conditional write (never over a newer
 * manifest version's result), with results/{id}/explanation.svg and results/{id}/report.html (the CT and
 * its mask beside the score) written before it, so a COMPLETED study always has both.
 */
export async function handler(run: StudyRun): Promise<StudyRun> {
  await enterStage('Fuse', run);
  const { studyId, bucket } = run;
  const keys = workKeys(run);
  const [clinicalDoc, radiomicsDoc, inference, images] = await Promise.all([
    getJson(bucket, keys.clinical) as Promise<{ clinical: NormalisedClinical }>,
    getJson(bucket, keys.radiomics) as Promise<RadiomicsResult>,
    getJson(bucket, keys.inference),
    readVolumeAndMask(bucket, run),
  ]);
  const { card, model } = await fusionModel();
  const { result, explanationSvg } = fuse(model, card, {
    clinical: clinicalDoc.clinical,
    radiomics: radiomicsDoc.features,
    inference,
  });
  const scores = classicScores(clinicalDoc.clinical);
  const report = studyReportHtml({
    studyId,
    status: 'COMPLETED',
    generatedAt: new Date().toISOString(),
    volume: images.volume,
    mask: images.mask.data,
    fusion: result,
    explanationSvg,
    clinical: clinicalDoc.clinical,
    scores,
    inference: inferenceResultSchema.safeParse(inference).data,
  });
  await Promise.all([
    putText(bucket, studyKeys.explanation(studyId), explanationSvg, 'image/svg+xml'),
    putText(bucket, studyKeys.report(studyId), report, 'text/html; charset=utf-8'),
  ]);
  const stored = await moveStatus(run, 'COMPLETED', { result: { ...result, scores } });
  if (!stored)
    throw new StepError(
      'STALE_RUN',
      `study ${studyId} moved on past manifest version ${run.manifestVersion}`,
    );
  logger.info('study scored', {
    riskLevel: result.riskLevel,
    model: result.model.version,
    missing: result.missingFeatures.length,
    reportBytes: report.length,
  });
  return {
    ...run,
    artifacts: {
      ...run.artifacts,
      explanation: studyKeys.explanation(studyId),
      report: studyKeys.report(studyId),
    },
  };
}
