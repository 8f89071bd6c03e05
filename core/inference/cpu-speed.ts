import type { Vec3 } from '../imaging/volume';
import { classify } from './classify';
import type { CpuSpeed } from './cpu-tier-limits';
import type { LoadedModels } from './models';
import { segmentProbability } from './segment';

/**
 * Times the loaded networks on this machine, once per container, so that the CPU tier's time check
 * (cpu-tier-limits.ts) uses the speed of these models on this function's CPUs rather than a figure
 * measured elsewhere: one U-Net patch (a zero image exactly one patch large) and one ResNet run (a zero
 * volume of its input size with a one-voxel mask). Each runs twice and the second is kept: the first run
 * of a session allocates its buffers and is slower than the rest.
 */
export async function measureCpuSpeed(models: LoadedModels): Promise<CpuSpeed> {
  const patch = models.unet.card.patch.size;
  const image = { dims: patch, data: new Float32Array(patch[0] * patch[1] * patch[2]) };
  const secondsPerPatch = await timedTwice(() => segmentProbability(image, models.unet));

  const size: Vec3 = models.resnet.card.input.size;
  const voxels = size[0] * size[1] * size[2];
  const volume = {
    dims: size,
    spacing: [1, 1, 1] as Vec3,
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    data: new Int16Array(voxels),
  };
  const mask = new Uint8Array(voxels);
  mask[Math.floor(voxels / 2)] = 1;
  const resnetSeconds = await timedTwice(() => classify(volume, mask, models.resnet));
  return { secondsPerPatch, resnetSeconds };
}

async function timedTwice(run: () => Promise<unknown>): Promise<number> {
  await run();
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}
