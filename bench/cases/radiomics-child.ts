// Runs in its own process: `time` repeats the extraction (best of N after a warm-up); `memory` runs it once,
// so that the process's peak resident memory above its state before is that one extraction's.
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
const rssBefore = process.memoryUsage().rss;
let best = Infinity;
let result = extractRadiomics(image, volumeMask, settings); // in `time` mode a warm-up: JIT is not measured
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
    peakAboveBaseline: process.resourceUsage().maxRSS * 1024 - rssBefore,
    boxFloat64Bytes: bi * bj * bk * 8,
  }),
);
