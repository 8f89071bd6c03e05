/**
 * Per-stage timings of one study on the GPU, from volume.nii.gz to mask.nii.gz (U-Net → mask → ResNet50)
 * on a 512×512×300 phantom at 0.7×0.7×1.5 mm, a routine abdominal CT: the inference worker's own code
 * (containers/gpu-inference/infer-study.ts), every CPU stage and both networks, as bench/cases/inference.ts
 * times the CPU stages with the networks stubbed. Run through bench/gpu.sh, which checks for the GPU and
 * the CUDA provider first; `--device cpu` runs the same here for comparison (slow).
 *
 *   npx tsx bench/gpu-inference.ts [--device cuda] [--models models/demo] [--resnet full|demo]
 *                                  [--dims 512,512,300] [--spacing 0.7,0.7,1.5] [--repeats 3]
 *                                  [--seed 100001]
 *
 * `--resnet full` (default) swaps the demo ResNet for a full-width 3D ResNet50 (46 M parameters, 2048
 * features, seeded random weights; bench/resnet50-onnx.ts) with the demo card's crop and input size, so
 * the timing is that of the production-size network.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModels } from '../core/inference/models';
import { resnetCardSchema } from '../core/inference/model-card';
import { CPU_STAGES, INFERENCE_STAGES, stageSum } from '../core/inference/stage-clock';
import type { Vec3 } from '../core/imaging/volume';
import {
  benchStudy,
  stageTable,
  STUDY_DIMS,
  STUDY_SEED,
  STUDY_SPACING,
  timeStudies,
} from './inference-stages';
import { buildResnet50Onnx } from './resnet50-onnx';

/** The target: one study through both networks on one H100 in under a second (issue #5). */
const TARGET_TOTAL_MS = 1000;

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'cuda' },
    models: { type: 'string', default: 'models/demo' },
    resnet: { type: 'string', default: 'full' },
    dims: { type: 'string', default: STUDY_DIMS.join(',') },
    spacing: { type: 'string', default: STUDY_SPACING.join(',') },
    repeats: { type: 'string', default: '3' },
    seed: { type: 'string', default: String(STUDY_SEED) },
  },
});
const device = values.device as 'auto' | 'cpu' | 'cuda';
if (!['auto', 'cpu', 'cuda'].includes(device)) throw new Error('--device must be auto, cpu or cuda');
const dims = values.dims.split(',').map(Number) as Vec3;
const spacing = values.spacing.split(',').map(Number) as Vec3;
const repeats = Number(values.repeats);

/** A model folder with the demo U-Net and a full-width ResNet50 under the demo ResNet's card settings. */
function fullResnetModelDir(demoDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sap-bench-models-'));
  cpSync(join(demoDir, 'unet'), join(dir, 'unet'), { recursive: true });
  const demoCard = resnetCardSchema.parse(
    JSON.parse(readFileSync(join(demoDir, 'resnet', 'model-card.json'), 'utf8')),
  );
  const model = buildResnet50Onnx({
    input: demoCard.input.name,
    logit: demoCard.outputs.probability.name,
    features: demoCard.outputs.features.name,
  });
  const file = 'resnet50-full.onnx';
  mkdirSync(join(dir, 'resnet'));
  writeFileSync(join(dir, 'resnet', file), model.bytes, { flag: 'wx' });
  const card = {
    ...demoCard,
    name: 'resnet50-3d-full-width-random',
    version: 'bench',
    file,
    sha256: createHash('sha256').update(model.bytes).digest('hex'),
    synthetic: true,
    description: `bench only: ${model.parameters} parameters, random weights`,
    outputs: {
      probability: { name: demoCard.outputs.probability.name, kind: 'logit' },
      features: { name: demoCard.outputs.features.name, length: model.featureLength },
    },
    architecture: { blocks: [3, 4, 6, 3], baseWidth: 64 },
  };
  writeFileSync(join(dir, 'resnet', 'model-card.json'), JSON.stringify(card, null, 2));
  console.log(`full-width ResNet50: ${(model.parameters / 1e6).toFixed(1)} M parameters`);
  return dir;
}

/** The study through the inference worker's code, warm-up first: each run's stages, then the fastest. */
async function main(modelDir: string): Promise<void> {
  let started = performance.now();
  const models = await loadModels(modelDir, { device });
  console.log(
    `models loaded in ${Math.round(performance.now() - started)} ms on ${models.executionProvider}`,
  );
  if (device === 'cuda' && models.executionProvider === 'cpu') {
    throw new Error('asked for cuda but the models run on the CPU provider');
  }
  started = performance.now();
  const study = benchStudy(models.unet.card.spacingMm, dims, spacing, Number(values.seed));
  console.log(
    `phantom ${dims.join('×')} at ${spacing.join('×')} mm drawn and encoded in ${Math.round(performance.now() - started)} ms (not timed)`,
  );
  // The first run pays for CUDA kernel selection and memory pools; production pays it once per instance.
  const { fastest, fastestCpu } = await timeStudies(study.volumeGz, models, repeats, (run, timings) =>
    console.log(`run ${run}: ${JSON.stringify(rounded(timings))}`),
  );
  console.log(`\nwall time, each stage's fastest of ${repeats} (ms):\n${stageTable(fastest)}`);
  console.log(`\nprocess CPU time, each stage's fastest (ms):\n${stageTable(fastestCpu)}`);
  const total = stageSum(fastest, INFERENCE_STAGES);
  console.log(
    `\n${models.executionProvider}: total ${total.toFixed(0)} ms per study ` +
      `(CPU stages ${stageSum(fastest, CPU_STAGES).toFixed(0)} ms); ` +
      `target < ${TARGET_TOTAL_MS} ms: ${total < TARGET_TOTAL_MS ? 'met' : 'NOT met'}`,
  );
}

function rounded(timings: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(timings).map(([stage, ms]) => [stage, Math.round((ms ?? 0) * 10) / 10]),
  );
}

let modelDir: string | undefined;
try {
  modelDir = values.resnet === 'full' ? fullResnetModelDir(values.models) : values.models;
  await main(modelDir);
} catch (error) {
  // A machine without the GPU, the CUDA provider or the models: one line saying so, exit code 1.
  console.error(`bench/gpu-inference.ts: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  if (modelDir && modelDir !== values.models) rmSync(modelDir, { recursive: true, force: true });
}
