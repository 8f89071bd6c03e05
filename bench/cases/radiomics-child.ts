// Runs in its own process. `time` times 20 extractions after 5 warm-up ones, with each step's time.
// `memory` (with --expose-gc --no-concurrent-array-buffer-sweeping) bounds the peak of the typed arrays one
// extraction holds: at the start of each step (processing, discretisation, each family) it collects garbage
// and reads what is still held, then adds every typed-array byte the step allocates (counted by wrapping the
// constructors); the largest such sum bounds the peak, whatever the collector does meanwhile. The second
// argument picks the settings: `ibsi` (every IBSI 3D feature, no resampling, FBS 25) or `pyradiomics`.
import { extractRadiomics, type ExtractionHooks } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { radiomicsSettingsSchema } from '../../core/radiomics/settings';
import { benchVolume } from '../radiomics-volume';
import type { RunTimings } from './radiomics-summary';

const mode = process.argv[2] === 'memory' ? 'memory' : 'time';
const { image, mask } = benchVolume();
const settings =
  process.argv[3] === 'pyradiomics'
    ? profileSettings('pyradiomics')
    : radiomicsSettingsSchema.parse({
        profile: 'bench: no resampling, FBS 25, 3D',
        discretisation: { method: 'FBS', width: 25 },
        dimensionality: ['3D'],
      });
const volumeMask = { dims: image.dims, affine: image.affine, data: mask };

/** Counts the bytes of every typed array created with its own buffer (views share one and are not counted). */
let allocated = 0;
function countAllocations(): void {
  const kinds = ['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array'];
  for (const name of [...kinds, 'Float32Array', 'Float64Array']) {
    const Base = (globalThis as unknown as Record<string, new (...args: unknown[]) => ArrayBufferView>)[
      name
    ]!;
    const Counted = class extends Base {
      constructor(...args: unknown[]) {
        super(...args);
        if (!(args[0] instanceof ArrayBuffer)) allocated += this.byteLength;
      }
    };
    Object.defineProperty(globalThis, name, { value: Counted, writable: true, configurable: true });
  }
}

function peakBound(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory mode needs node --expose-gc');
  countAllocations();
  extractRadiomics(image, volumeMask, settings); // warm-up
  gc();
  const baseline = process.memoryUsage().arrayBuffers;
  let heldAtStart = 0;
  let peak = 0;
  const hooks: ExtractionHooks = {
    onStep(_step, phase) {
      if (phase === 'start') {
        gc();
        heldAtStart = Math.max(0, process.memoryUsage().arrayBuffers - baseline);
        allocated = 0;
      } else peak = Math.max(peak, heldAtStart + allocated);
    },
  };
  extractRadiomics(image, volumeMask, settings, hooks);
  return peak;
}

/** Extractions before timing: the JIT settles (optimises, deoptimises, re-optimises) over the first few. */
const WARM_UP_RUNS = 5;
/** Timed extractions: enough for a stable median and a p90 that is one actual run. */
const TIMED_RUNS = 20;

let result = extractRadiomics(image, volumeMask, settings);
for (let n = 1; n < WARM_UP_RUNS; n++) result = extractRadiomics(image, volumeMask, settings);
const peakBytes = mode === 'memory' ? peakBound() : NaN;
const runs: RunTimings[] = [];
for (let n = 0; mode === 'time' && n < TIMED_RUNS; n++) {
  const start = performance.now();
  result = extractRadiomics(image, volumeMask, settings);
  runs.push({ totalMs: performance.now() - start, timingsMs: result.timingsMs });
}
const [bi, bj, bk] = result.roi.boxDims;
console.log(
  JSON.stringify({
    runs,
    features: Object.keys(result.features).length,
    peakBytes,
    boxFloat64Bytes: bi * bj * bk * 8,
  }),
);
