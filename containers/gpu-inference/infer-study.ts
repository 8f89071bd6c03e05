/**
 * One study in the inference worker: `volume.nii.gz` decoded, both networks run, `mask.nii.gz` encoded,
 * each stage timed (core/inference/stage-clock.ts). bench/cases/inference.ts and bench/gpu-inference.ts
 * time this same function.
 */
import type { LoadedModels } from '../../core/inference/models';
import { runInference, type InferenceOptions } from '../../core/inference/pipeline';
import type { InferenceResult } from '../../core/inference/result';
import { StageClock, type StageTimings } from '../../core/inference/stage-clock';
import { encodeMaskNiftiGz } from '../../core/inference/volume-mask';
import { decodeCanonicalVolume } from './volume';

export interface StudyInference {
  /** `mask.nii.gz`: uint8 on the volume's grid, gzip. */
  maskGz: Uint8Array;
  result: InferenceResult;
  /** Wall time per stage. */
  stagesMs: StageTimings;
  /** The process's CPU time per stage (StageClock). */
  stagesCpuMs: StageTimings;
}

/**
 * Throws HttpError 422 for a volume that breaks the canonical-volume contract, InferenceInputError for one
 * the models cannot use, ordinary errors otherwise.
 */
export async function inferStudy(
  volumeBytes: Uint8Array,
  volumeKey: string,
  models: LoadedModels,
  options: Omit<InferenceOptions, 'clock'> = {},
): Promise<StudyInference> {
  const clock = new StageClock();
  const volume = decodeCanonicalVolume(volumeBytes, volumeKey);
  clock.lap('decode');
  const { mask, maskBox, result } = await runInference(volume, models, { ...options, clock });
  const maskGz = encodeMaskNiftiGz(volume, mask, maskBox);
  clock.lap('maskEncode');
  return { maskGz, result, stagesMs: clock.ms, stagesCpuMs: clock.cpuMs };
}
