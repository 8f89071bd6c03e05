// Runs in its own process so that the allocator settings in its environment (GLIBC_TUNABLES, as the
// inference container sets them) apply: bench/cases/inference.ts starts it. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { resnetCardSchema, unetCardSchema } from '../../core/inference/model-card';
import { benchStudy, timeStudies } from '../inference-stages';
import { stubModels } from '../stub-networks';

const [modelsDir, repeats] = process.argv.slice(2) as [string, string];
const card = (kind: string) => JSON.parse(readFileSync(`${modelsDir}/${kind}/model-card.json`, 'utf8'));
const cards = { unet: unetCardSchema.parse(card('unet')), resnet: resnetCardSchema.parse(card('resnet')) };
const study = benchStudy(cards.unet.spacingMm);
const models = stubModels(cards, study.truthOnModelGrid, study.modelDims);
const { fastest, fastestCpu, result } = await timeStudies(study.volumeGz, models, Number(repeats));
console.log(
  JSON.stringify({
    fastest,
    fastestCpu,
    maskVoxels: result.maskVoxels,
    modelDims: study.modelDims,
    unetSpacing: cards.unet.spacingMm,
  }),
);
