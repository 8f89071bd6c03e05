import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor } from 'onnxruntime-node';
import type { Vec3 } from '../../core/imaging/volume';
import { loadModels, type LoadedModels } from '../../core/inference/models';
import { runInference } from '../../core/inference/pipeline';
import type { InferenceResult } from '../../core/inference/result';
import { patchGrid } from '../../core/inference/sliding-window';
import { CPU_STAGES, stageSum, type StageTimings } from '../../core/inference/stage-clock';
import { centreAlignedGrid } from '../../core/imaging/grid/grid';
import { generatePhantom } from '../../core/phantom';
import { bestOf, type BenchCase, type Measurement } from '../harness';
import { STAGE_LABELS, stageTable, STUDY_DIMS } from '../inference-stages';
import { torchTimings, type NetworkShapes } from './torch-inference';

const MODELS = fileURLToPath(new URL('../../models/demo', import.meta.url));
const DIMS: Vec3 = [512, 512, 100];
/** A seed no demo model was trained or checked on (scripts/demo-models/settings.py). */
const SEED = 100001;
const THREADS = 2;
const REPEATS = 3;
/** Issue #21: the CPU stages of a 512×512×300 study, single thread, within half a second. */
const CPU_STAGES_TARGET_MS = 500;
const STAGE_REPEATS = 7;

function missingModels(): string[] {
  return ['unet', 'resnet'].map((m) => `${MODELS}/${m}/model-card.json`).filter((card) => !existsSync(card));
}

const CHILD = fileURLToPath(new URL('./inference-child.ts', import.meta.url));
const DOCKERFILE = fileURLToPath(new URL('../../containers/gpu-inference/Dockerfile', import.meta.url));

/** The allocator settings the inference container runs with (its Dockerfile's ENV GLIBC_TUNABLES). */
function containerTunables(): string | undefined {
  return /^ENV GLIBC_TUNABLES=(\S+)$/m.exec(readFileSync(DOCKERFILE, 'utf8'))?.[1];
}

interface ChildResult {
  fastest: StageTimings;
  fastestCpu: StageTimings;
  maskVoxels: number;
  modelDims: Vec3;
  unetSpacing: Vec3;
}

function stageRows(label: string, timings: StageTimings, unit: string): Measurement[] {
  return [
    ...CPU_STAGES.map((stage) => ({
      case: label,
      metric: `${stage}: ${STAGE_LABELS[stage]}`,
      value: timings[stage] ?? 0,
      unit,
    })),
    {
      case: label,
      metric: `total, CPU stages (target ≤ ${CPU_STAGES_TARGET_MS} ms; each stage fastest of ${STAGE_REPEATS})`,
      value: stageSum(timings, CPU_STAGES),
      unit,
    },
  ];
}

/**
 * The CPU stages around the networks for one 512×512×300 study (0.7×0.7×1.5 mm), as the inference worker
 * runs them (containers/gpu-inference/infer-study.ts: decode volume.nii.gz … encode mask.nii.gz), with
 * the demo models' cards (spacing, patch, overlap, window, crop) and both networks replaced by stand-ins
 * (bench/stub-networks.ts) so that only the code around them is timed. Single thread: nothing here runs
 * on another. Each stage's fastest of 7 runs after a warm-up, in wall time, in a process of its own
 * (inference-child.ts): once with the default allocator, once with the container's GLIBC_TUNABLES (huge
 * pages for large buffers). The process's CPU time per stage is printed too: on a shared machine it
 * leaves out waiting for a core, but counts V8's background GC threads.
 */
export const inferenceBench: BenchCase = {
  name: 'inference',
  async run() {
    const missing = missingModels();
    if (missing.length > 0) {
      console.error(`inference: not measured: ${missing.join(' and ')} missing`);
      return [];
    }
    const tunables = containerTunables();
    const settings: [string, NodeJS.ProcessEnv][] = [['default allocator', process.env]];
    if (tunables)
      settings.push([`GLIBC_TUNABLES=${tunables} (container)`, { ...process.env, GLIBC_TUNABLES: tunables }]);
    const rows: Measurement[] = [];
    for (const [setting, env] of settings) {
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', CHILD, MODELS, String(STAGE_REPEATS)],
        {
          encoding: 'utf8',
          env,
        },
      );
      const child = JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult;
      const label = `inference CPU stages ${STUDY_DIMS.join('×')} CT → ${child.modelDims.join('×')} at ${child.unetSpacing[0]} mm, networks stubbed (mask ${child.maskVoxels} voxels), ${setting}`;
      rows.push(...stageRows(label, child.fastest, 'ms'));
      console.error(`${label}, process CPU time:\n${stageTable(child.fastestCpu)}`);
    }
    return rows;
  },
};

/** The networks alone on onnxruntime: every U-Net patch of one study, one by one, and one ResNet crop. */
async function ortNetworkMs(
  models: LoadedModels,
  shapes: NetworkShapes,
): Promise<{ unet: number; resnet: number }> {
  const run = async (
    model: LoadedModels['unet'] | LoadedModels['resnet'],
    shape: number[],
    times: number,
  ) => {
    const input = new Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape);
    for (let n = 0; n < times; n++) await model.session.run({ [model.card.input.name]: input });
  };
  await run(models.unet, shapes.unetPatch, 1); // warm-up
  await run(models.resnet, shapes.resnetInput, 1);
  return {
    unet: await bestOf(REPEATS, () => run(models.unet, shapes.unetPatch, shapes.unetPatches)),
    resnet: await bestOf(REPEATS, () => run(models.resnet, shapes.resnetInput, 1)),
  };
}

/**
 * One 512×512×100 phantom through the demo U-Net and ResNet on the CPU (2 threads): wall time per stage of
 * the fastest of 3 runs after a warm-up. Then the networks alone, fastest of 3 after a warm-up,
 * onnxruntime beside PyTorch (bench/torch-inference.py; minutes: PyTorch 1.13 needs seconds per U-Net
 * patch on the CPU) on the same patch shape and count and the same ResNet input: ORT / PyTorch ≤ 1.
 */
export const inferenceNetworksBench: BenchCase = {
  name: 'inference-networks',
  async run() {
    const missing = missingModels();
    if (missing.length > 0) {
      console.error(`inference-networks: not measured: ${missing.join(' and ')} missing`);
      return [];
    }
    const models = await loadModels(MODELS, { threads: THREADS, device: 'cpu' });
    const { volume } = generatePhantom({ dims: DIMS, seed: SEED });
    const { unet, resnet } = models;
    const modelDims = centreAlignedGrid(volume.dims, volume.spacing, unet.card.spacingMm).map(
      (a) => a.count,
    ) as Vec3;
    const [pi, pj, pk] = unet.card.patch.size;
    const [ri, rj, rk] = resnet.card.input.size;
    const shapes: NetworkShapes = {
      unetPatch: [1, 1, pk, pj, pi],
      unetPatches: patchGrid(modelDims, unet.card.patch.size, unet.card.patch.overlap).length,
      resnetInput: [1, 1, rk, rj, ri],
    };

    await runInference(volume, models); // warm-up
    let best: InferenceResult | undefined;
    for (let n = 0; n < REPEATS; n++) {
      const { result } = await runInference(volume, models);
      if (!best || result.timingsMs.total! < best.timingsMs.total!) best = result;
    }
    const t = best!.timingsMs;
    const study = `inference ${DIMS.join('×')} CT, ${THREADS} threads`;
    const unetCase = `inference U-Net: ${modelDims.join('×')} at ${unet.card.spacingMm[0]} mm, ${shapes.unetPatches} patches ${pi}×${pj}×${pk}`;
    const resnetCase = `inference ResNet: crop → ${ri}×${rj}×${rk}`;
    const rows: Measurement[] = [
      { case: unetCase, metric: 'preprocess (resample, window)', value: t.preprocess!, unit: 'ms' },
      { case: unetCase, metric: 'segment (sliding window)', value: t.segment!, unit: 'ms' },
      { case: unetCase, metric: 'postprocess (mask, component)', value: t.postprocess!, unit: 'ms' },
      { case: resnetCase, metric: 'classify (crop, resize, run)', value: t.classify!, unit: 'ms' },
      { case: study, metric: 'total per study (best of 3)', value: t.total!, unit: 'ms' },
    ];

    const ort = await ortNetworkMs(models, shapes);
    const torch = torchTimings(shapes, THREADS, REPEATS);
    rows.push(
      { case: unetCase, metric: `network only, onnxruntime`, value: ort.unet, unit: 'ms' },
      { case: resnetCase, metric: `network only, onnxruntime`, value: ort.resnet, unit: 'ms' },
    );
    if ('missing' in torch) {
      console.error(`inference-networks: no PyTorch comparison: ${torch.missing}`);
      return rows;
    }
    rows.push(
      { case: unetCase, metric: 'network only, PyTorch', value: torch.unetMs, unit: 'ms' },
      {
        case: unetCase,
        metric: 'onnxruntime / PyTorch (target ≤ 1)',
        value: ort.unet / torch.unetMs,
        unit: '×',
      },
      { case: resnetCase, metric: 'network only, PyTorch', value: torch.resnetMs, unit: 'ms' },
      {
        case: resnetCase,
        metric: 'onnxruntime / PyTorch (target ≤ 1)',
        value: ort.resnet / torch.resnetMs,
        unit: '×',
      },
    );
    return rows;
  },
};
