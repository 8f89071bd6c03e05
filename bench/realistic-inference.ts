/**
 * One 512×512×300 study through production-size networks on the CPU: a 31 M nnU-Net (bench/unet3d-onnx.ts)
 * and a full-width ResNet50 (bench/resnet50-onnx.ts), random weights. Running all of the U-Net's patches
 * at 1 thread takes minutes, so one real patch is timed and multiplied by the sliding window's patch
 * count (core/inference/sliding-window); everything else is the inference code itself, measured:
 * resampling and windowing, the sliding window's copies and blending (around a pointwise network), the
 * mask back on the CT grid, and classify (crop, resize, ResNet50).
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { centreAlignedGrid } from '../core/imaging/grid/grid';
import type { Vec3, Volume } from '../core/imaging/volume';
import { classify } from '../core/inference/classify';
import { normaliseIntensity } from '../core/inference/intensity';
import {
  resnetCardSchema,
  unetCardSchema,
  type ResnetCard,
  type UnetCard,
} from '../core/inference/model-card';
import { checkResnetSession, checkUnetSession } from '../core/inference/model-io';
import { resampleTrilinear, type Axes } from '../core/inference/resample';
import { segmentProbability } from '../core/inference/segment';
import { patchGrid } from '../core/inference/sliding-window';
import { volumeMask } from '../core/inference/volume-mask';
import { buildResnet50Onnx } from './resnet50-onnx';
import { cpuSession, interleavedBest, THREADS, type PerThreads } from './thread-timing';
import { buildPointwiseUnetOnnx, buildUnet3dOnnx } from './unet3d-onnx';

/**
 * nnU-Net 3d_fullres as planned for 1.5 mm CT (TotalSegmentator): 128³ patches, half overlapping
 * (nnU-Net's step 0.5), background + pancreas, one pass per patch (nnU-Net's default test-time mirroring
 * would run 8). Random weights: the card is for timing only.
 */
export const REALISTIC_UNET = {
  schemaVersion: 1,
  name: 'nnunet-3d-fullres-bench',
  version: 'bench',
  file: 'model.onnx',
  synthetic: true,
  intendedUse: 'bench only: random weights',
  intensity: { huWindow: [-160, 240], normalisation: { type: 'unit' } },
  kind: 'unet',
  spacingMm: [1.5, 1.5, 1.5],
  input: { name: 'ct' },
  patch: { size: [128, 128, 128], overlap: 0.5 },
  output: { name: 'logits', kind: 'logits', channels: 2, foregroundChannel: 1, threshold: 0.5 },
} as const;
/** The pancreas box plus the card's 40 mm margin is ~20 cm a side: 96³ keeps it near 2 mm. */
export const REALISTIC_RESNET_INPUT: Vec3 = [96, 96, 96];

/** Timed runs per thread count after a warm-up; the fastest is kept. */
export const REALISTIC_REPEATS = 5;

const seconds = (ms: number) => ms / 1000;

async function timedMs<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** The pieces of one study at the realistic U-Net's spacing, everything measured but the network. */
export interface RealisticStudy {
  card: UnetCard;
  axes: Axes;
  modelDims: Vec3;
  patches: number;
  /**
   * Resample and window, the sliding window around a pointwise network, the mask back on the CT grid:
   * single-threaded JavaScript, so measured once (second run) for both thread counts.
   */
  overheadMs: number;
  /** One real patch of the normalised image (its centre), NCDHW. */
  patch: Tensor;
}

export async function realisticStudy(volume: Volume, truth: Uint8Array): Promise<RealisticStudy> {
  const card = unetCardSchema.parse({ ...REALISTIC_UNET, sha256: '0'.repeat(64) });
  const axes = centreAlignedGrid(volume.dims, volume.spacing, card.spacingMm);
  const modelDims = axes.map((a) => a.count) as Vec3;
  const size = card.patch.size;
  const pointwise = await cpuSession(
    buildPointwiseUnetOnnx({
      classes: card.output.channels,
      input: card.input.name,
      output: card.output.name,
    }),
    1,
  );
  // A pancreas-shaped probability map (the phantom's truth on the model grid), so the mask step
  // interpolates the box around a pancreas, as it would after a trained network.
  const truthGrid = { dims: volume.dims, data: truth };
  const overhead = async () => {
    const pre = await timedMs(() => {
      const image = resampleTrilinear(volume, axes);
      normaliseIntensity(image.data, card.intensity);
      return image;
    });
    const window = await timedMs(() => segmentProbability(pre.value, { card, session: pointwise, dir: '' }));
    const probability = resampleTrilinear(truthGrid, axes).data;
    const post = await timedMs(() => volumeMask(probability, modelDims, axes, volume, card.output.threshold));
    return { ms: pre.ms + window.ms + post.ms, image: pre.value };
  };
  try {
    await overhead(); // warm-up
    const { ms, image } = await overhead();
    const start = modelDims.map((n, a) => Math.floor((n - size[a]!) / 2)) as Vec3;
    const data = new Float32Array(size[0] * size[1] * size[2]);
    for (let k = 0, q = 0; k < size[2]; k++) {
      for (let j = 0; j < size[1]; j++, q += size[0]) {
        const from = start[0] + modelDims[0] * (start[1] + j + modelDims[1] * (start[2] + k));
        data.set(image.data.subarray(from, from + size[0]), q);
      }
    }
    return {
      card,
      axes,
      modelDims,
      patches: patchGrid(modelDims, size, card.patch.overlap).length,
      overheadMs: ms,
      patch: new Tensor('float32', data, [1, 1, size[2], size[1], size[0]]),
    };
  } finally {
    await pointwise.release();
  }
}

function realisticResnetCard(featureLength: number): ResnetCard {
  return resnetCardSchema.parse({
    schemaVersion: 1,
    name: 'resnet50-3d-full-width-bench',
    version: 'bench',
    file: 'model.onnx',
    sha256: '0'.repeat(64),
    synthetic: true,
    intendedUse: 'bench only: random weights',
    intensity: { huWindow: [-160, 240], normalisation: { type: 'unit' } },
    kind: 'resnet',
    input: { name: 'crop', size: REALISTIC_RESNET_INPUT },
    cropMarginMm: 40,
    outputs: {
      probability: { name: 'sap_logit', kind: 'logit' },
      features: { name: 'features', length: featureLength },
    },
    architecture: { blocks: [3, 4, 6, 3], baseWidth: 64 },
  });
}

export interface RealisticNetworks {
  unet: { bytes: Uint8Array; parameters: number };
  resnet: { bytes: Uint8Array; parameters: number; card: ResnetCard };
}

export function realisticNetworks(card: UnetCard): RealisticNetworks {
  const unet = buildUnet3dOnnx({
    classes: card.output.channels,
    input: card.input.name,
    output: card.output.name,
  });
  const resnet = buildResnet50Onnx({ input: 'crop', logit: 'sap_logit', features: 'features' });
  return {
    unet: { bytes: unet.bytes, parameters: unet.parameters },
    resnet: {
      bytes: resnet.bytes,
      parameters: resnet.parameters,
      card: realisticResnetCard(resnet.featureLength),
    },
  };
}

export interface RealisticSeconds {
  patch: number;
  unet: number;
  resnet: number;
  total: number;
  /** Cores the process had during the fastest patch run (CPU time / wall time). */
  patchCores: number;
}

/** Per thread count: fastest seconds per U-Net patch and per classify, and the study's totals. */
export async function realisticSeconds(
  study: RealisticStudy,
  networks: RealisticNetworks,
  volume: Volume,
  truth: Uint8Array,
): Promise<PerThreads<RealisticSeconds>> {
  const { card } = networks.resnet;
  const unets = await Promise.all(THREADS.map((threads) => cpuSession(networks.unet.bytes, threads)));
  const classifiers = await Promise.all(THREADS.map((threads) => cpuSession(networks.resnet.bytes, threads)));
  try {
    unets.forEach((session) => checkUnetSession('unet3d (bench)', study.card, session));
    classifiers.forEach((session) => checkResnetSession('resnet50 (bench)', card, session));
    const feeds = { [study.card.input.name]: study.patch };
    const patch = await interleavedBest(
      { 1: () => unets[0]!.run(feeds), 2: () => unets[1]!.run(feeds) },
      REALISTIC_REPEATS,
    );
    const classifyWith = (session: InferenceSession) => () =>
      classify(volume, truth, { card, session, dir: '' });
    const classified = await interleavedBest(
      { 1: classifyWith(classifiers[0]!), 2: classifyWith(classifiers[1]!) },
      REALISTIC_REPEATS,
    );
    const per = (threads: 1 | 2): RealisticSeconds => {
      const patchS = seconds(patch[threads].ms);
      const unet = seconds(study.overheadMs) + study.patches * patchS;
      const resnet = seconds(classified[threads].ms);
      return { patch: patchS, unet, resnet, total: unet + resnet, patchCores: patch[threads].cores };
    };
    return { 1: per(1), 2: per(2) };
  } finally {
    await Promise.all([...unets, ...classifiers].map((session) => session.release()));
  }
}
