import { batchKeys, type BatchOutcome } from '../../core/batch/outcome';
import { assembleFeatures } from '../../core/fusion/feature-vector';
import { fuse } from '../../core/fusion/fuse';
import { z } from 'zod';
import { modeOf, type StudyRun } from '../../core/pipeline/run';
import { classicScores, comparedScoreValues } from '../../core/scores';
import { logger } from '../shared/logger';
import { putJson } from '../shared/s3-objects';
import { reportInferenceProvider } from './inference-provider';
import { readFuseInputs } from './inputs';
import { fusionModel } from './model';

/** The endpoint's own measure of the study's inference (inference.json timingsMs.total). */
const inferenceTime = z.object({ timingsMs: z.object({ total: z.number().min(0) }) });

/**
 * Fuse for a run of a batch: the model's input vector (and, unless the batch only collects features, the
 * probability) written as the study's outcome under batches/{batchId}/. The studies table and the
 * study's own results/ are left alone: a batch never changes what the results API serves.
 */
export async function fuseForBatch(run: StudyRun & { batchId: string }): Promise<StudyRun> {
  const mode = modeOf(run);
  const fusion = await fusionModel(run.fusionModelVersion);
  const inputs = await readFuseInputs(run);
  // A rescore ran no inference: its inference.json was counted with the run that made it.
  if (mode !== 'rescore') reportInferenceProvider(inputs.inference);
  const vector = assembleFeatures(fusion.card, inputs);
  const scored = mode === 'features' ? undefined : fuse(fusion.model, fusion.card, inputs).result;
  const inferenceMs = inferenceTime.safeParse(inputs.inference).data?.timingsMs.total;
  const outcome: BatchOutcome = {
    status: 'COMPLETED',
    studyId: run.studyId,
    manifestVersion: run.manifestVersion,
    batchId: run.batchId,
    mode,
    finishedAt: new Date().toISOString(),
    model: { name: fusion.card.name, version: fusion.card.version },
    features: Object.fromEntries(
      vector.names.map((name, n) => [name, Number.isNaN(vector.values[n]!) ? null : vector.values[n]!]),
    ),
    missing: vector.missing,
    ...(scored ? { probability: scored.probability, riskLevel: scored.riskLevel } : {}),
    // The classic scores beside the inputs, so the training table is ready for `sap evaluate`.
    classicScores: comparedScoreValues(classicScores(inputs.clinical)),
    // A rescore ran no inference: the GPU time belongs to the run that made the artifacts.
    ...(inferenceMs !== undefined && mode !== 'rescore' ? { inferenceSeconds: inferenceMs / 1000 } : {}),
  };
  const key = batchKeys.outcome(run.batchId, run.studyId);
  await putJson(run.bucket, key, outcome);
  logger.info('batch outcome written', { batchId: run.batchId, mode, missing: vector.missing.length });
  return { ...run, artifacts: { ...run.artifacts, outcome: key } };
}
