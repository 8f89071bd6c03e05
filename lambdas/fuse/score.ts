import { riskAssessment } from '../../core/fhir';
import { fuse, type FusionResult } from '../../core/fusion/fuse';
import type { ExecutionProvider } from '../../core/inference/execution-provider';
import { inferenceResultSchema } from '../../core/inference/result';
import type { StudyRun } from '../../core/pipeline/run';
import { studyReportHtml } from '../../core/report';
import { classicScores, type ClassicScores } from '../../core/scores';
import { resultKeys, studyKeys } from '../../core/study/keys';
import { putText } from '../shared/s3-objects';
import { readVolumeAndMask } from '../shared/study-images';
import { checkVolumeMemory } from '../shared/volume-memory-check';
import type { FuseInputs } from './inputs';
import type { FusionModel } from './model';
import { publishSegmentation, writeRunSegmentation } from './segmentation';

type ModelRef = FusionResult['model'];
/**
 * The fusion result, the classic scores, every model that produced the score (name, version, sha256) and
 * where the networks ran (inference.json's executionProvider: cuda, tensorrt or cpu).
 */
export type ScoredResult = FusionResult & {
  scores: ClassicScores;
  models: { unet?: ModelRef; resnet?: ModelRef; xgboost: ModelRef };
  executionProvider?: ExecutionProvider;
};

/** The run's report, chart and FHIR RiskAssessment, to copy to the study's latest once its result is stored. */
export interface PublishedScore {
  report: string;
  explanationSvg: string;
  /** FHIR R4 RiskAssessment JSON (core/fhir). */
  riskAssessment: string;
  /** The run's DICOM SEG (DICOM uploads only), copied to results/{id}/pancreas-seg.dcm by publishLatest. */
  segmentation?: Uint8Array;
}

/**
 * Scores the run with `fusion`, computes the classic scores, and writes the run's own explanation.svg,
 * report.html (the CT and its mask beside the score), risk-assessment.json (FHIR R4) and, for a DICOM
 * upload, pancreas-seg.dcm (DICOM SEG) under results/{id}/v-{digest}/. Returns what the study record stores and the texts for publishLatest.
 */
export async function scoreAndPublish(
  run: StudyRun,
  fusion: FusionModel,
  inputs: FuseInputs,
): Promise<{ result: ScoredResult; published: PublishedScore }> {
  const { studyId, bucket } = run;
  // The report reads the whole volume: a study too large for this function's memory fails by name.
  const images = await readVolumeAndMask(bucket, run, {
    beforeDecode: (dims) => checkVolumeMemory('Fuse', dims),
  });
  const { result, explanationSvg } = fuse(fusion.model, fusion.card, inputs);
  const scores = classicScores(inputs.clinical);
  const inference = inferenceResultSchema.safeParse(inputs.inference).data;
  const segmentation = await writeRunSegmentation(run, images.mask, inference);
  const report = studyReportHtml({
    studyId,
    status: 'COMPLETED',
    generatedAt: new Date().toISOString(),
    volume: images.volume,
    mask: images.mask.data,
    fusion: result,
    explanationSvg,
    clinical: inputs.clinical,
    scores,
    inference,
    resultFiles: { dicomSegmentation: segmentation !== undefined },
  });
  const models = { ...inference?.models, xgboost: result.model };
  const fhir = riskAssessment({
    studyId,
    assessedAt: new Date().toISOString(),
    result: { ...result, scores, models },
    features: fusion.card.features,
    outputs: inputs,
  });
  const published = {
    report,
    explanationSvg,
    riskAssessment: JSON.stringify(fhir, null, 2),
    segmentation,
  };
  await writeScore(bucket, resultKeys(run), published);
  const executionProvider = inference?.executionProvider;
  return {
    result: { ...result, scores, models, ...(executionProvider ? { executionProvider } : {}) },
    published,
  };
}

/**
 * results/{id}/report.html, explanation.svg and risk-assessment.json: the latest completed run's, for
 * readers of the bucket. Called only after this run's result was stored, so an overtaken run never writes
 * them.
 */
export async function publishLatest(run: StudyRun, published: PublishedScore): Promise<void> {
  const { studyId } = run;
  await writeScore(
    run.bucket,
    {
      report: studyKeys.report(studyId),
      explanation: studyKeys.explanation(studyId),
      riskAssessment: studyKeys.riskAssessment(studyId),
    },
    published,
  );
  await publishSegmentation(run, published.segmentation);
}

async function writeScore(
  bucket: string,
  keys: { report: string; explanation: string; riskAssessment: string },
  { report, explanationSvg, riskAssessment }: PublishedScore,
): Promise<void> {
  await Promise.all([
    putText(bucket, keys.explanation, explanationSvg, 'image/svg+xml'),
    putText(bucket, keys.report, report, 'text/html; charset=utf-8'),
    putText(bucket, keys.riskAssessment, riskAssessment, 'application/fhir+json'),
  ]);
}

/** The run with its result artifacts added. */
export const withResultArtifacts = (run: StudyRun): StudyRun => ({
  ...run,
  artifacts: { ...run.artifacts, ...resultKeys(run) },
});
