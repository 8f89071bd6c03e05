import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceServer } from '../../containers/gpu-inference/server';
import { readNifti } from '../../core/imaging/nifti';
import type { Vec3 } from '../../core/imaging/volume';
import { generatePhantom } from '../../core/phantom';
import { closeServer, listen } from '../../local/stack/http-server';
import { cohortContrast, cohortVariants } from '../../scripts/demo-models/cohort';
import {
  BUCKET,
  DEMO_MODEL_DIR,
  demoModelsPresent,
  putVolume,
  requestFor,
  startS3Fixture,
  type S3Fixture,
  keysOf,
} from './fixtures';

/**
 * Seeds the demo models never saw (training and held-out seeds are below 3000; scripts/demo-models/
 * settings.py), one per variant of the cohort's cycle (seed % 7): normal, oedematous, necrotising, fluid,
 * effusion and their combinations, a third with contrast.
 */
const SEEDS = [100000, 100001, 100002, 100003, 100004, 100005, 100006];
/** Not the U-Net's 2.5 mm training grid: the mask must come back through both resamplings. */
const DIMS: Vec3 = [192, 192, 112];
const MIN_MEAN_DICE = 0.85;

function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let both = 0;
  let sum = 0;
  for (let n = 0; n < a.length; n++) {
    both += a[n]! && b[n]! ? 1 : 0;
    sum += (a[n]! ? 1 : 0) + (b[n]! ? 1 : 0);
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

describe.skipIf(!demoModelsPresent)('inference container: the demo U-Net end to end', () => {
  let fixture: S3Fixture;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    fixture = await startS3Fixture();
    const { server, ready } = createInferenceServer({
      modelDir: DEMO_MODEL_DIR,
      s3: fixture.s3,
      threads: 1,
      device: 'cpu',
    });
    base = `http://127.0.0.1:${await listen(server)}`;
    close = () => closeServer(server);
    await ready;
  });
  afterAll(async () => {
    await close();
    await fixture.close();
  });

  it(`segments unseen phantoms (seeds ≥ 100000) with mean Dice ≥ ${MIN_MEAN_DICE} through S3 and HTTP`, async () => {
    const scores: { seed: number; variants: string; dice: number }[] = [];
    for (const seed of SEEDS) {
      const phantom = generatePhantom({
        dims: DIMS,
        seed,
        variant: cohortVariants(seed),
        contrast: cohortContrast(seed),
      });
      const studyId = `dice-${seed}`;
      await putVolume(fixture.s3, studyId, phantom.volume);
      const response = await fetch(`${base}/invocations`, {
        method: 'POST',
        body: JSON.stringify(requestFor(studyId)),
      });
      expect(response.status).toBe(200);
      const object = await fixture.s3.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: keysOf(studyId).mask }),
      );
      const mask = readNifti(await object.Body!.transformToByteArray(), 'mask.nii.gz');
      scores.push({
        seed,
        variants: cohortVariants(seed).join('+'),
        dice: dice(mask.values, phantom.mask.data),
      });
    }
    const mean = scores.reduce((s, x) => s + x.dice, 0) / scores.length;
    console.log(
      `demo U-Net Dice through the container, ${DIMS.join('×')} phantoms:\n` +
        scores.map((s) => `  seed ${s.seed} ${s.variants.padEnd(50)} ${s.dice.toFixed(3)}`).join('\n') +
        `\n  mean ${mean.toFixed(3)}`,
    );
    expect(mean).toBeGreaterThanOrEqual(MIN_MEAN_DICE);
  });
});
