import type { StudyRun } from '../../core/pipeline/run';
import { notImplemented } from '../../core/pipeline/step-error';
import { enterStage } from '../shared/enter-stage';

/** Validate: incoming/{id}/* → work/{id}/volume.nii.gz and work/{id}/clinical.json. */
export async function handler(run: StudyRun): Promise<StudyRun> {
  await enterStage('Validate', run);
  throw notImplemented('Validate', 'study ingestion (NIfTI/DICOM reading and validation)', 3);
}
