import type { StudyRun } from '../../core/pipeline/run';
import { STALE_RUN, StepError } from '../../core/pipeline/step-error';
import { logger } from '../shared/logger';
import { getStudy, recordRescore } from '../shared/studies-table';
import { readFuseInputs } from './inputs';
import { fusionModel } from './model';
import { publishLatest, scoreAndPublish, withResultArtifacts } from './score';

/**
 * A rescore of one study: the kept artifacts of its current manifest version scored with another fusion
 * model version. The study must be COMPLETED at that version; its result is replaced (status stays
 * COMPLETED), recording the model that produced it and the one it replaced.
 */
export async function rescore(run: StudyRun): Promise<StudyRun> {
  const { studyId } = run;
  const study = await getStudy(studyId);
  if (study?.status !== 'COMPLETED' || study.manifestVersion !== run.manifestVersion)
    throw new StepError(
      'STUDY_NOT_COMPLETED',
      `study ${studyId} is not COMPLETED at manifest version ${run.manifestVersion}: only a scored study is rescored`,
    );
  const fusion = await fusionModel(run.fusionModelVersion);
  const inputs = await readFuseInputs(run);
  const { result, published } = await scoreAndPublish(run, fusion, inputs);
  const previous = (study.result as { model?: { version?: string } } | undefined)?.model?.version;
  const stored = await recordRescore(run, {
    result: { ...result, ...(previous ? { rescoredFrom: previous } : {}) },
  });
  if (!stored)
    throw new StepError(STALE_RUN, `study ${studyId} moved on past manifest version ${run.manifestVersion}`);
  await publishLatest(run, published);
  logger.info('study rescored', { model: result.model.version, previousModel: previous });
  return withResultArtifacts(run);
}
