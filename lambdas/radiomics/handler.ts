import type { StudyRun } from '../../core/pipeline/run';
import { extractRadiomics } from '../../core/radiomics/extract';
import { DEFAULT_PROFILE, profileSettings } from '../../core/radiomics/profiles';
import { workKeys } from '../../core/study/keys';
import { enterStage } from '../shared/enter-stage';
import { logger } from '../shared/logger';
import { putJson } from '../shared/s3-objects';
import { readVolumeAndMask } from '../shared/study-images';
import { checkVolumeMemory } from '../shared/volume-memory-check';
import { perInvocation } from '../shared/per-invocation';

export const handler = perInvocation(extractStudyRadiomics);

/**
 * Radiomics: the run's volume.nii.gz + mask.nii.gz → radiomics.json beside them (features by IBSI
 * tag, the settings and engine version that produced them). An empty, tiny or misaligned mask fails the
 * study with MASK_EMPTY, MASK_TOO_SMALL or MASK_GRID_MISMATCH; a volume too large for the function's
 * memory fails it with STUDY_TOO_LARGE before it is decoded.
 */
async function extractStudyRadiomics(run: StudyRun): Promise<StudyRun> {
  await enterStage('Radiomics', run);
  const { volume, mask } = await readVolumeAndMask(run.bucket, run, {
    beforeDecode: (dims) => checkVolumeMemory('Radiomics', dims),
  });
  const result = extractRadiomics(
    volume,
    mask,
    profileSettings(process.env.RADIOMICS_PROFILE ?? DEFAULT_PROFILE),
  );
  logger.info('radiomics extracted', {
    features: Object.keys(result.features).length,
    undefinedFeatures: result.undefinedFeatures.length,
    roiVoxels: result.roi.intensityVoxels,
    timingsMs: result.timingsMs,
  });
  const key = workKeys(run).radiomics;
  await putJson(run.bucket, key, result);
  return { ...run, artifacts: { ...run.artifacts, radiomics: key } };
}
