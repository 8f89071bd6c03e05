/**
 * Per-stage timings of the inference pipeline (U-Net → mask → ResNet50) on a 512×512×300 phantom, the
 * size of a routine abdominal CT, on the GPU. Run through bench/gpu.sh, which checks for the GPU and the
 * CUDA provider first; `--device cpu` runs the same here for comparison (slow).
 *
 *   npx tsx bench/gpu-inference.ts [--device cuda] [--models models/demo] [--resnet full|demo]
 *                                  [--dims 512,512,300] [--repeats 3] [--seed 100001]
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
import { runInference } from '../core/inference/pipeline';
import type { Vec3 } from '../core/imaging/volume';
import { generatePhantom } from '../core/phantom';
import { buildResnet50Onnx } from './resnet50-onnx';

/** The target: one study through both networks on one H100 in under a second (issue #5). */
const TARGET_TOTAL_MS = 1000;

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'cuda' },
    models: { type: 'string', default: 'models/demo' },
    resnet: { type: 'string', default: 'full' },
    dims: { type: 'string', default: '512,512,300' },
    repeats: { type: 'string', default: '3' },
    seed: { type: 'string', default: '100001' },
  },
});
const device = values.device as 'auto' | 'cpu' | 'cuda';
if (!['auto', 'cpu', 'cuda'].includes(device)) throw new Error('--device must be auto, cpu or cuda');
const dims = values.dims.split(',').map(Number) as Vec3;
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

const modelDir = values.resnet === 'full' ? fullResnetModelDir(values.models) : values.models;
try {
  let started = performance.now();
  const models = await loadModels(modelDir, { device });
  console.log(
    `models loaded in ${Math.round(performance.now() - started)} ms on ${models.executionProvider}`,
  );
  if (device === 'cuda' && models.executionProvider === 'cpu') {
    throw new Error('asked for cuda but the models run on the CPU provider');
  }
  started = performance.now();
  const { volume } = generatePhantom({ dims, seed: Number(values.seed) });
  console.log(`phantom ${dims.join('×')} drawn in ${Math.round(performance.now() - started)} ms (not timed)`);

  // The first run pays for CUDA kernel selection and memory pools; production pays it once per instance.
  const warm = await runInference(volume, models);
  console.log(`warm-up: ${JSON.stringify(warm.result.timingsMs)}`);
  const runs: Record<string, number>[] = [];
  for (let r = 0; r < repeats; r++) {
    const { result } = await runInference(volume, models);
    runs.push(result.timingsMs);
    console.log(`run ${r + 1}: ${JSON.stringify(result.timingsMs)}`);
  }
  const stages = Object.keys(runs[0] ?? {});
  const best = Object.fromEntries(stages.map((s) => [s, Math.min(...runs.map((run) => run[s] ?? Infinity))]));
  console.log('\nstage        best ms');
  for (const stage of stages) console.log(`${stage.padEnd(12)} ${best[stage]!.toFixed(1).padStart(8)}`);
  const total = best.total ?? NaN;
  console.log(
    `\n${models.executionProvider}: total ${total.toFixed(0)} ms per study; target < ${TARGET_TOTAL_MS} ms: ${total < TARGET_TOTAL_MS ? 'met' : 'NOT met'}`,
  );
} finally {
  if (modelDir !== values.models) rmSync(modelDir, { recursive: true, force: true });
}
