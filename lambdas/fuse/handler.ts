import type { StudyRun } from '../../core/pipeline/run';
import { notImplemented } from '../../core/pipeline/step-error';
import { enterStage } from '../shared/enter-stage';

/** Fuse: XGBoost + TreeSHAP + classic scores → the result on the study and results/{id}/explanation.svg. */
export async function handler(run: StudyRun): Promise<StudyRun> {
  await enterStage('Fuse', run);
  throw notImplemented('Fuse', 'XGBoost fusion, SHAP and the classic scores', 6);
}
