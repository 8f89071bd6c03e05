import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { loadModels, type LoadedModels } from '../../core/inference/models';
import { runInference } from '../../core/inference/pipeline';
import { generatePhantom } from '../../core/phantom';
import { amdahlTime, CORES_CONSERVATIVE, CORES_OPTIMISTIC, parallelFraction } from '../cpu-scaling';
import type { BenchCase, Measurement } from '../harness';
import {
  REALISTIC_REPEATS,
  REALISTIC_RESNET_INPUT,
  realisticNetworks,
  realisticSeconds,
  realisticStudy,
} from '../realistic-inference';
import { interleavedBest, THREADS, threadLabel, type PerThreads, type Threads } from '../thread-timing';

const MODELS = fileURLToPath(new URL('../../models/demo', import.meta.url));
/** A routine abdomen–pelvis CT: 512² in plane at 0.7 mm, 300 slices of 1.5 mm (45 cm). */
const DIMS: Vec3 = [512, 512, 300];
const SPACING: Vec3 = [0.7, 0.7, 1.5];
/** A seed no demo model was trained or checked on (scripts/demo-models/settings.py). */
const SEED = 100001;
const DEMO_REPEATS = 3;
/** Below this many cores in a 2-thread run, another process had one of the two: scaling is understated. */
const BUSY_CORES = 1.7;

const seconds = (ms: number) => ms / 1000;

interface DemoSeconds {
  unet: number;
  resnet: number;
  total: number;
  cores: number;
}

/** The demo U-Net and ResNet through runInference, whole study: stage seconds of each thread count's fastest run. */
async function demoSeconds(volume: Volume): Promise<PerThreads<DemoSeconds>> {
  const loaded = await Promise.all(THREADS.map((threads) => loadModels(MODELS, { threads, device: 'cpu' })));
  try {
    const fastest: Partial<PerThreads<Record<string, number>>> = {};
    const run = (threads: Threads, models: LoadedModels) => async () => {
      const { timingsMs } = (await runInference(volume, models)).result;
      if (!fastest[threads] || timingsMs.total! < fastest[threads].total!) fastest[threads] = timingsMs;
    };
    const best = await interleavedBest({ 1: run(1, loaded[0]!), 2: run(2, loaded[1]!) }, DEMO_REPEATS);
    const per = (threads: Threads): DemoSeconds => {
      const t = fastest[threads]!;
      return {
        unet: seconds(t.preprocess! + t.segment! + t.postprocess!),
        resnet: seconds(t.classify!),
        total: seconds(t.total!),
        cores: best[threads].cores,
      };
    };
    return { 1: per(1), 2: per(2) };
  } finally {
    await Promise.all(loaded.flatMap((m) => [m.unet.session.release(), m.resnet.session.release()]));
  }
}

/** The two Lambda estimates from the 1- and 2-thread totals; `cores2` is what the 2-thread run had. */
function estimateRows(label: string, t1: number, t2: number, cores2: number): Measurement[] {
  const p = parallelFraction(t1, t2).toFixed(2);
  const busy =
    cores2 < BUSY_CORES ? `; machine busy (2-thread run had ${cores2.toFixed(1)} cores), p understated` : '';
  const lambda = `inference-cpu ${label}, Lambda 10,240 MB (6 vCPU)`;
  return [
    {
      case: lambda,
      metric: `ESTIMATE: Amdahl, p = ${p} fitted to 1→2 threads${busy}, ${CORES_CONSERVATIVE} cores (vCPU = hyperthread, sibling adds 0)`,
      value: amdahlTime(t1, t2, CORES_CONSERVATIVE),
      unit: 's/study',
    },
    {
      case: lambda,
      metric: `ESTIMATE, optimistic: same p, ${CORES_OPTIMISTIC.toFixed(2)} cores (each vCPU a core, up to the CPU credit)`,
      value: amdahlTime(t1, t2, CORES_OPTIMISTIC),
      unit: 's/study',
    },
  ];
}

function demoRows(demo: PerThreads<DemoSeconds>, study: string): Measurement[] {
  const rows = THREADS.flatMap((threads): Measurement[] => {
    const label = threadLabel(threads);
    const d = demo[threads];
    return [
      {
        case: `inference-cpu demo U-Net (2.5 mm, 96×96×48), ${study}, ${label}`,
        metric: `resample + sliding window + mask, measured (fastest of ${DEMO_REPEATS} warm)`,
        value: d.unet,
        unit: 's/study',
      },
      {
        case: `inference-cpu demo ResNet (width 8, → 48×40×40), ${label}`,
        metric: 'classify (crop, resize, run), measured, same run',
        value: d.resnet,
        unit: 's/study',
      },
      {
        case: `inference-cpu demo U-Net + ResNet, ${study}, ${label}`,
        metric: `total per study, measured end to end (runInference; ${d.cores.toFixed(1)} cores busy)`,
        value: d.total,
        unit: 's/study',
      },
    ];
  });
  return [...rows, ...estimateRows('demo U-Net + ResNet', demo[1].total, demo[2].total, demo[2].cores)];
}

async function realisticRows(volume: Volume, truth: Uint8Array, study: string): Promise<Measurement[]> {
  const realistic = await realisticStudy(volume, truth);
  const networks = realisticNetworks(realistic.card);
  const measured = await realisticSeconds(realistic, networks, volume, truth);
  const [pi, pj, pk] = realistic.card.patch.size;
  const unetLabel =
    `nnU-Net ${(networks.unet.parameters / 1e6).toFixed(1)} M (6 stages 32→320), ` +
    `${realistic.modelDims.join('×')} at 1.5 mm, ${realistic.patches} patches ${pi}×${pj}×${pk} ` +
    `(overlap ${realistic.card.patch.overlap})`;
  const resnetLabel =
    `ResNet50 ${(networks.resnet.parameters / 1e6).toFixed(1)} M full width, ` +
    `→ ${REALISTIC_RESNET_INPUT.join('×')}`;
  const rows = THREADS.flatMap((threads): Measurement[] => {
    const r = measured[threads];
    const label = threadLabel(threads);
    return [
      {
        case: `inference-cpu ${unetLabel}, ${label}`,
        metric:
          `ESTIMATED: ${realistic.patches} × ${r.patch.toFixed(2)} s per patch (fastest of ` +
          `${REALISTIC_REPEATS} warm; ${r.patchCores.toFixed(1)} cores busy) + ` +
          `${seconds(realistic.overheadMs).toFixed(1)} s measured resample, window bookkeeping, mask`,
        value: r.unet,
        unit: 's/study',
      },
      {
        case: `inference-cpu ${resnetLabel}, ${label}`,
        metric: `classify (crop, resize, run), measured (fastest of ${REALISTIC_REPEATS} warm)`,
        value: r.resnet,
        unit: 's/study',
      },
      {
        case: `inference-cpu nnU-Net + ResNet50, ${study}, ${label}`,
        metric: 'total per study, ESTIMATED (U-Net: patches × per-patch time)',
        value: r.total,
        unit: 's/study',
      },
    ];
  });
  return [
    ...rows,
    ...estimateRows('nnU-Net + ResNet50', measured[1].total, measured[2].total, measured[2].patchCores),
  ];
}

/**
 * Issue #20, the CPU tier: a 512×512×300 study on onnxruntime-node's CPU provider at 1 and 2 intra-op
 * threads, through the demo models (measured end to end) and through production-size networks, a 31 M
 * nnU-Net at 1.5 mm and a full-width ResNet50 (bench/realistic-inference.ts: per-patch network time ×
 * the sliding window's patch count, everything else measured), then an estimate for a 6-vCPU Lambda
 * (bench/cpu-scaling.ts). About 2.5 min on 2 cores.
 */
export const inferenceCpuBench: BenchCase = {
  name: 'inference-cpu',
  async run() {
    const [load] = loadavg();
    if (load! > 0.5) {
      console.error(`inference-cpu: load average ${load!.toFixed(2)} at start: other work may slow the runs`);
    }
    const { volume, mask } = generatePhantom({ dims: DIMS, spacing: SPACING, seed: SEED });
    const study = `512×512×300 at ${SPACING.join('×')} mm`;
    const rows: Measurement[] = [];
    if (existsSync(`${MODELS}/unet/model-card.json`) && existsSync(`${MODELS}/resnet/model-card.json`)) {
      rows.push(...demoRows(await demoSeconds(volume), study));
    } else {
      console.error('inference-cpu: demo models not measured: models/demo has no unet and resnet cards');
    }
    rows.push(...(await realisticRows(volume, mask.data, study)));
    return rows;
  },
};
