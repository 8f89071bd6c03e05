import { modeOf, type StudyRun } from '../../core/pipeline/run';
import { STALE_RUN, StepError } from '../../core/pipeline/step-error';
import { PIPELINE_STEPS, type StageName } from '../../core/pipeline/steps';
import { logger } from './logger';
import { moveStatus } from './studies-table';

/**
 * Marks the study as being in `stage`. A run whose study has moved on (a newer manifest version, or a
 * final state) stops here instead of overwriting newer work. Runs of a batch and rescores leave the
 * study's status alone: they do not change what the results API says of the study's own run.
 */
export async function enterStage(stage: StageName, run: StudyRun): Promise<void> {
  const step = PIPELINE_STEPS.find((s) => s.name === stage);
  if (!step) throw new Error(`unknown stage ${stage}`);
  logger.appendKeys({ studyId: run.studyId, stage, ...(run.batchId ? { batchId: run.batchId } : {}) });
  if (run.batchId !== undefined || modeOf(run) === 'rescore') return;
  if (!(await moveStatus(run, step.status))) {
    throw new StepError(
      STALE_RUN,
      `study ${run.studyId} is no longer at manifest version ${run.manifestVersion} or is already past ${stage}`,
    );
  }
}
