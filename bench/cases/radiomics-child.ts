// Runs in its own process. `time` repeats the extraction (best of N after a warm-up). `memory` (with
// --expose-gc --no-concurrent-array-buffer-sweeping) bounds the peak of the typed arrays one extraction
// holds: at the start of each step (processing, discretisation, each family) it collects garbage and reads
// what is still held, then adds every typed-array byte the step allocates (counted by wrapping the
// constructors); the largest such sum bounds the peak, whatever the collector does meanwhile. The second
// argument picks the settings: `ibsi` (every IBSI 3D feature, no resampling, FBS 25) or `pyradiomics`.
import { extractRadiomics, type ExtractionHooks } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { radiomicsSettingsSchema } from '../../core/radiomics/settings';
import { benchVolume } from '../radiomics-volume';

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

let result = extractRadiomics(image, volumeMask, settings); // warm-up: JIT is not measured
const peakBytes = mode === 'memory' ? peakBound() : NaN;
let best = Infinity;
for (let n = 0; mode === 'time' && n < 5; n++) {
  const start = performance.now();
  result = extractRadiomics(image, volumeMask, settings);
  best = Math.min(best, performance.now() - start);
}
const [bi, bj, bk] = result.roi.boxDims;
console.log(
  JSON.stringify({
    bestMs: best,
    features: Object.keys(result.features).length,
    timingsMs: result.timingsMs,
    peakBytes,
    boxFloat64Bytes: bi * bj * bk * 8,
  }),
);
