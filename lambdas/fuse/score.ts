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

/** The run's report and chart, to copy to the study's latest once its result is stored. */
export interface PublishedScore {
  report: string;
  explanationSvg: string;
}

/**
 * Scores the run with `fusion`, computes the classic scores, and writes the run's own explanation.svg and
 * report.html (the CT and its mask beside the score) under results/{id}/v-{digest}/. Returns what the
 * study record stores and the texts for publishLatest.
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
  });
  const published = { report, explanationSvg };
  await writeScore(bucket, resultKeys(run), published);
  const models = { ...inference?.models, xgboost: result.model };
  const executionProvider = inference?.executionProvider;
  return {
    result: { ...result, scores, models, ...(executionProvider ? { executionProvider } : {}) },
    published,
  };
}

/**
 * results/{id}/report.html and explanation.svg: the latest completed run's, for readers of the bucket.
 * Called only after this run's result was stored, so an overtaken run never writes them.
 */
export async function publishLatest(run: StudyRun, published: PublishedScore): Promise<void> {
  await writeScore(
    run.bucket,
    { report: studyKeys.report(run.studyId), explanation: studyKeys.explanation(run.studyId) },
    published,
  );
}

async function writeScore(
  bucket: string,
  keys: { report: string; explanation: string },
  { report, explanationSvg }: PublishedScore,
): Promise<void> {
  await Promise.all([
    putText(bucket, keys.explanation, explanationSvg, 'image/svg+xml'),
    putText(bucket, keys.report, report, 'text/html; charset=utf-8'),
  ]);
}

/** The run with its result artifacts added. */
export const withResultArtifacts = (run: StudyRun): StudyRun => ({
  ...run,
  artifacts: { ...run.artifacts, ...resultKeys(run) },
});
