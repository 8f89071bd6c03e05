/**
 * The study the inference stage timings use and the way they are taken and shown, shared by the CPU bench
 * (bench/cases/inference.ts, networks stubbed) and the GPU script (bench/gpu-inference.ts, real networks):
 * both time containers/gpu-inference/infer-study.ts, the inference worker's own code, from the
 * `volume.nii.gz` Validate writes to the `mask.nii.gz` the container uploads.
 */
import { encodeNiftiGz } from '../core/imaging/nifti';
import { centreAlignedGrid } from '../core/imaging/grid/grid';
import type { Vec3 } from '../core/imaging/volume';
import type { LoadedModels } from '../core/inference/models';
import { resampleTrilinear } from '../core/inference/resample';
import type { InferenceResult } from '../core/inference/result';
import {
  CPU_STAGES,
  INFERENCE_STAGES,
  stageSum,
  type InferenceStage,
  type StageTimings,
} from '../core/inference/stage-clock';
import { generatePhantom } from '../core/phantom';
import { inferStudy } from '../containers/gpu-inference/infer-study';

/** A routine abdomen–pelvis CT: 512² in plane at 0.7 mm, 300 slices of 1.5 mm. */
export const STUDY_DIMS: Vec3 = [512, 512, 300];
export const STUDY_SPACING: Vec3 = [0.7, 0.7, 1.5];
/** A seed no demo model was trained or checked on (scripts/demo-models/settings.py). */
export const STUDY_SEED = 100001;

export const STAGE_LABELS: Record<InferenceStage, string> = {
  decode: 'decode volume.nii.gz (gunzip, int16)',
  resample: 'resample to the U-Net spacing',
  intensity: 'intensity window and normalise',
  unet: 'U-Net (network only)',
  blend: 'sliding window: patch copies, Gaussian blending, probability',
  resampleBack: 'resample back to the CT grid, threshold',
  largestComponent: 'largest component',
  cropResize: 'ResNet crop and resize',
  resnet: 'ResNet (network only)',
  maskEncode: 'encode mask.nii.gz (gzip)',
};

export interface BenchStudy {
  /** `volume.nii.gz` as Validate writes it (encodeNiftiGz, its defaults). */
  volumeGz: Uint8Array;
  /** The phantom's pancreas on the U-Net's grid (0/1), for stand-in networks. */
  truthOnModelGrid: Uint8Array;
  modelDims: Vec3;
}

/** A phantom study and its ground truth at the U-Net's spacing `unetSpacing`. */
export function benchStudy(
  unetSpacing: Vec3,
  dims: Vec3 = STUDY_DIMS,
  spacing: Vec3 = STUDY_SPACING,
  seed = STUDY_SEED,
): BenchStudy {
  const { volume, mask } = generatePhantom({ dims, spacing, seed });
  const axes = centreAlignedGrid(volume.dims, volume.spacing, unetSpacing);
  const onModelGrid = resampleTrilinear({ dims: mask.dims, data: mask.data }, axes);
  const truthOnModelGrid = Uint8Array.from(onModelGrid.data, (p) => (p > 0.5 ? 1 : 0));
  return {
    volumeGz: encodeNiftiGz(volume, { description: 'sap-pipeline canonical CT (RAS, int16 HU)' }),
    truthOnModelGrid,
    modelDims: onModelGrid.dims,
  };
}

export interface TimedStudies {
  /**
   * Each stage's fastest wall time over the runs after a warm-up: on a machine others share, the least
   * disturbed measure of every stage (bench/harness.ts bestOf, stage by stage).
   */
  fastest: StageTimings;
  /** The same for the process's CPU time: what the stage costs when nothing else wants the core. */
  fastestCpu: StageTimings;
  runs: StageTimings[];
  result: InferenceResult;
}

/** Each stage's least time over `runs`. */
function perStageMinimum(runs: StageTimings[]): StageTimings {
  const fastest: StageTimings = {};
  for (const stage of INFERENCE_STAGES) {
    const times = runs.map((t) => t[stage]).filter((ms) => ms !== undefined);
    if (times.length > 0) fastest[stage] = Math.min(...times);
  }
  return fastest;
}

/** `repeats` runs of the inference worker's study code on `volumeGz`, after one warm-up run. */
export async function timeStudies(
  volumeGz: Uint8Array,
  models: LoadedModels,
  repeats: number,
  onRun: (run: number, timings: StageTimings) => void = () => {},
): Promise<TimedStudies> {
  let { result } = await inferStudy(volumeGz, 'bench/volume.nii.gz', models);
  const runs: StageTimings[] = [];
  const cpuRuns: StageTimings[] = [];
  for (let run = 1; run <= repeats; run++) {
    const study = await inferStudy(volumeGz, 'bench/volume.nii.gz', models);
    result = study.result;
    runs.push(study.stagesMs);
    cpuRuns.push(study.stagesCpuMs);
    onRun(run, study.stagesMs);
  }
  return { fastest: perStageMinimum(runs), fastestCpu: perStageMinimum(cpuRuns), runs, result };
}

/** One line per stage (ms), then the CPU stages' and the networks' sums and the total. */
export function stageTable(timings: StageTimings): string {
  const rows: [string, number][] = INFERENCE_STAGES.filter((s) => timings[s] !== undefined).map((s) => [
    `${s} — ${STAGE_LABELS[s]}`,
    timings[s]!,
  ]);
  rows.push(
    ['CPU stages (all but the networks)', stageSum(timings, CPU_STAGES)],
    ['networks (U-Net + ResNet)', stageSum(timings, ['unet', 'resnet'])],
    ['total per study', stageSum(timings, INFERENCE_STAGES)],
  );
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, ms]) => `${label.padEnd(width)}  ${ms.toFixed(1).padStart(8)} ms`).join('\n');
}
