import { modeOf, type StudyRun } from '../../core/pipeline/run';
import { STALE_RUN, StepError } from '../../core/pipeline/step-error';
import { enterStage } from '../shared/enter-stage';
import { logger } from '../shared/logger';
import { moveStatus } from '../shared/studies-table';
import { fuseForBatch } from './batch';
import { reportInferenceProvider } from './inference-provider';
import { readFuseInputs } from './inputs';
import { fusionModel } from './model';
import { rescore } from './rescore';
import { publishLatest, scoreAndPublish, withResultArtifacts } from './score';
import { perInvocation } from '../shared/per-invocation';

export const handler = perInvocation(fuse);

/**
 * Fuse: clinical.json + radiomics.json + inference.json → the probability of SAP with its SHAP factors and
 * the classic scores, stored on the study as COMPLETED in one conditional write (never over a newer
 * manifest version's result), with the run's explanation.svg and report.html written before it under
 * results/{id}/v-{digest}/, so a COMPLETED study always has both; results/{id}/ gets copies after it. A rescore replaces a COMPLETED study's result; a run of
 * a batch writes its outcome under batches/{batchId}/ instead.
 */
async function fuse(run: StudyRun): Promise<StudyRun> {
  await enterStage('Fuse', run);
  const mode = modeOf(run);
  if (run.batchId !== undefined) return fuseForBatch({ ...run, batchId: run.batchId });
  if (mode === 'rescore') return rescore(run);
  if (mode === 'features')
    throw new StepError(
      'INVALID_RUN',
      `a features run belongs to a batch: study ${run.studyId} has no batchId`,
    );

  const fusion = await fusionModel(run.fusionModelVersion);
  const inputs = await readFuseInputs(run);
  reportInferenceProvider(inputs.inference);
  const { result, published } = await scoreAndPublish(run, fusion, inputs);
  const stored = await moveStatus(run, 'COMPLETED', { result: { ...result } });
  if (!stored)
    throw new StepError(
      STALE_RUN,
      `study ${run.studyId} moved on past manifest version ${run.manifestVersion}`,
    );
  await publishLatest(run, published);
  logger.info('study scored', {
    riskLevel: result.riskLevel,
    model: result.model.version,
    missing: result.missingFeatures.length,
    synthetic: result.synthetic,
    reportBytes: published.report.length,
  });
  return withResultArtifacts(run);
}
