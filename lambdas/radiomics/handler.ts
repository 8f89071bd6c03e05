import type { StudyRun } from '../../core/pipeline/run';
import { notImplemented } from '../../core/pipeline/step-error';
import { enterStage } from '../shared/enter-stage';

/** Radiomics: work/{id}/volume.nii.gz + mask.nii.gz → work/{id}/radiomics.json. */
export async function handler(run: StudyRun): Promise<StudyRun> {
  await enterStage('Radiomics', run);
  throw notImplemented('Radiomics', 'the IBSI radiomics engine', 4);
}
