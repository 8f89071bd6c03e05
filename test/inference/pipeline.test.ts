import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import { loadModels, type LoadedModels } from '../../core/inference/models';
import { InferenceInputError, SYNTHETIC_NOTICE, runInference } from '../../core/inference/pipeline';
import { inferenceResultSchema } from '../../core/inference/result';
import { generatePhantom } from '../../core/phantom';
import { dice, largestComponentReference } from './components';
import { BONE_LEVEL_HU, resnetCard, unetCard, writeModelDir } from './model-dir';
import { thresholdUnet } from './onnx-models';

const phantom = generatePhantom({ dims: [64, 64, 40], seed: 21 });
const { volume } = phantom;
const dirs: string[] = [];

/** Models for `volume` with the stand-in U-Net (bone: HU > 200.5) and ResNet, U-Net spacing `spacing`. */
async function models(spacing: Vec3, unet = unetCard({ spacingMm: spacing }), resnet = resnetCard()) {
  const dir = await writeModelDir(unet, resnet);
  dirs.push(dir);
  return loadModels(dir, { threads: 1 });
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('runInference end to end (stand-in networks on a phantom)', () => {
  let atVolumeSpacing: LoadedModels;
  beforeAll(async () => {
    atVolumeSpacing = await models(volume.spacing);
  });

  it('segments what the stand-in U-Net sees, keeps its largest component, and classifies its region', async () => {
    const { mask, result } = await runInference(volume, atVolumeSpacing);
    // At the volume's own spacing nothing is resampled: the mask is the largest component of HU > 200.5.
    const expected = largestComponentReference(
      Uint8Array.from(volume.data, (hu) => (hu > BONE_LEVEL_HU ? 1 : 0)),
      volume.dims,
    );
    expect(Array.from(mask)).toEqual(Array.from(expected));
    const voxels = expected.reduce((n, v) => n + v, 0);
    expect(result.maskVoxels).toBe(voxels);
    const [si, sj, sk] = volume.spacing;
    expect(result.maskVolumeMl).toBeCloseTo((voxels * si * sj * sk) / 1000, 9);
    // The stand-in ResNet: features [mean, max, min] of the unit-windowed crop, logit 4·mean − 2.
    const [mean, max, min] = result.features as [number, number, number];
    expect(result.features).toHaveLength(3);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(result.probability).toBeCloseTo(1 / (1 + Math.exp(-(4 * mean - 2))), 6);
    expect(inferenceResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      schemaVersion: 1,
      synthetic: true,
      // Only the stand-in U-Net is synthetic: the Fuse step's notice names it alone.
      syntheticModels: ['unet'],
      notice: SYNTHETIC_NOTICE,
      executionProvider: 'cpu',
      models: {
        unet: { name: 'threshold-unet', version: 'test-1', sha256: atVolumeSpacing.unet.card.sha256 },
        resnet: { name: 'pooling-resnet', version: 'test-1', sha256: atVolumeSpacing.resnet.card.sha256 },
      },
    });
    expect(Object.keys(result.timingsMs)).toEqual([
      'preprocess',
      'segment',
      'postprocess',
      'classify',
      'total',
    ]);
  });

  it('resamples to the U-Net’s spacing and back: the same structure, one component', async () => {
    const direct = await runInference(volume, atVolumeSpacing);
    const resampled = await runInference(volume, await models([5, 5, 5]));
    expect(dice(resampled.mask, direct.mask)).toBeGreaterThan(0.8);
    expect(Array.from(largestComponentReference(resampled.mask, volume.dims))).toEqual(
      Array.from(resampled.mask),
    );
  });

  it('rejects a volume smaller than the patch at the U-Net’s spacing, giving both sizes', async () => {
    const coarse = await models([20, 20, 20]);
    const run = runInference(volume, coarse);
    await expect(run).rejects.toThrow(InferenceInputError);
    await expect(run).rejects.toThrow(
      /the volume is 20×20×14 voxels at the U-Net's spacing of 20×20×20 mm \(64×64×40 at 6\.25×6\.25×7 mm\), smaller than its 32×32×16 patch/,
    );
    await expect(run).rejects.toMatchObject({ code: 'VOLUME_TOO_SMALL' });
  });

  it('rejects a volume in which the U-Net finds nothing', async () => {
    const blind = await models(
      volume.spacing,
      unetCard({ spacingMm: volume.spacing }, thresholdUnet({ level: 9 })),
    );
    await expect(runInference(volume, blind)).rejects.toMatchObject({
      code: 'NO_PANCREAS_FOUND',
      message: expect.stringMatching(/^no pancreas found by the U-Net/),
    });
  });

  it('leaves the notice out when neither model is synthetic', async () => {
    const real = await models(volume.spacing, unetCard({ spacingMm: volume.spacing, synthetic: false }));
    const { result } = await runInference(volume, real);
    expect(result.synthetic).toBe(false);
    expect(result).not.toHaveProperty('notice');
    expect(result).not.toHaveProperty('syntheticModels');
  });
});
