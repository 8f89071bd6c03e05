import { fuse, type FusionResult } from '../../core/fusion/fuse';
import { inferenceResultSchema } from '../../core/inference/result';
import type { StudyRun } from '../../core/pipeline/run';
import { studyReportHtml } from '../../core/report';
import { classicScores, type ClassicScores } from '../../core/scores';
import { studyKeys } from '../../core/study/keys';
import { putText } from '../shared/s3-objects';
import { readVolumeAndMask } from '../shared/study-images';
import type { FuseInputs } from './inputs';
import type { FusionModel } from './model';

type ModelRef = FusionResult['model'];
/** The fusion result, the classic scores and every model that produced the score (name, version, sha256). */
export type ScoredResult = FusionResult & {
  scores: ClassicScores;
  models: { unet?: ModelRef; resnet?: ModelRef; xgboost: ModelRef };
};

/**
 * Scores the run with `fusion`, computes the classic scores, and writes results/{id}/explanation.svg and
 * results/{id}/report.html (the CT and its mask beside the score). Returns what the study record stores.
 */
export async function scoreAndPublish(
  run: StudyRun,
  fusion: FusionModel,
  inputs: FuseInputs,
): Promise<{ result: ScoredResult; reportBytes: number }> {
  const { studyId, bucket } = run;
  const images = await readVolumeAndMask(bucket, run);
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
  await Promise.all([
    putText(bucket, studyKeys.explanation(studyId), explanationSvg, 'image/svg+xml'),
    putText(bucket, studyKeys.report(studyId), report, 'text/html; charset=utf-8'),
  ]);
  const models = { ...inference?.models, xgboost: result.model };
  return { result: { ...result, scores, models }, reportBytes: report.length };
}

/** The run with the result artifacts added. */
export const withResultArtifacts = (run: StudyRun): StudyRun => ({
  ...run,
  artifacts: {
    ...run.artifacts,
    explanation: studyKeys.explanation(run.studyId),
    report: studyKeys.report(run.studyId),
  },
});
