// Runs in its own process so that its peak resident memory is the extraction's alone.
import { extractRadiomics } from '../../core/radiomics/extract';
import { radiomicsSettingsSchema } from '../../core/radiomics/settings';
import { benchVolume } from '../radiomics-volume';

const { image, mask } = benchVolume();
const settings = radiomicsSettingsSchema.parse({
  profile: 'bench: no resampling, FBS 25, 3D',
  discretisation: { method: 'FBS', width: 25 },
  dimensionality: ['3D'],
});
const volumeMask = { dims: image.dims, affine: image.affine, data: mask };
extractRadiomics(image, volumeMask, settings); // warm-up: JIT compilation is not what is measured
const rssBefore = process.memoryUsage().rss;
const runs = Number(process.argv[2] ?? 5);
let best = Infinity;
let result = extractRadiomics(image, volumeMask, settings);
for (let n = 0; n < runs; n++) {
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
