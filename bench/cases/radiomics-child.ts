// Runs in its own process: `time` repeats the extraction (best of N after a warm-up); `memory` (with
// --expose-gc) warms up, collects garbage, then counts the typed-array bytes one extraction allocates: an
// upper bound of its peak, free of JIT and of garbage left over from earlier runs.
import { extractRadiomics } from '../../core/radiomics/extract';
import { radiomicsSettingsSchema } from '../../core/radiomics/settings';
import { benchVolume } from '../radiomics-volume';

const mode = process.argv[2] === 'memory' ? 'memory' : 'time';
const { image, mask } = benchVolume();
const settings = radiomicsSettingsSchema.parse({
  profile: 'bench: no resampling, FBS 25, 3D',
  discretisation: { method: 'FBS', width: 25 },
  dimensionality: ['3D'],
});
const volumeMask = { dims: image.dims, affine: image.affine, data: mask };
let result = extractRadiomics(image, volumeMask, settings); // warm-up: JIT is not measured
(globalThis as { gc?: () => void }).gc?.();
const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
if (mode === 'memory') result = extractRadiomics(image, volumeMask, settings);
const allocated = process.memoryUsage().arrayBuffers - arrayBuffersBefore;
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
    typedArrayBytes: allocated,
    boxFloat64Bytes: bi * bj * bk * 8,
  }),
);
