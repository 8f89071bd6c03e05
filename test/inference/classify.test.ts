import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { classify, cropBoxAround, resizeCrop } from '../../core/inference/classify';
import { InferenceInputError } from '../../core/inference/errors';
import { fill, voxels } from './grids';
import { RESNET_SIZE, resnetCard } from './model-dir';
import { poolingResnet } from './onnx-models';

const dims: Vec3 = [10, 10, 10];
const spacing: Vec3 = [1, 2, 4];

function cube(start: Vec3, size: Vec3): Uint8Array {
  const mask = new Uint8Array(voxels(dims));
  for (let k = start[2]; k < start[2] + size[2]; k++)
    for (let j = start[1]; j < start[1] + size[1]; j++)
      mask.fill(1, start[0] + dims[0] * (j + dims[1] * k), start[0] + size[0] + dims[0] * (j + dims[1] * k));
  return mask;
}

describe('ResNet crop', () => {
  it('grows the mask’s box by round(margin / spacing) voxels per side, clamped to the volume', () => {
    // Margin 5 mm: round(5/1) = 5, round(5/2) = 3 (2.5 rounds up), round(5/4) = 1 voxels.
    expect(cropBoxAround(cube([3, 4, 5], [2, 2, 2]), dims, spacing, 5)).toEqual({
      start: [0, 1, 4],
      size: [10, 8, 4],
    });
    expect(cropBoxAround(cube([3, 4, 5], [2, 2, 2]), dims, spacing, 0)).toEqual({
      start: [3, 4, 5],
      size: [2, 2, 2],
    });
    expect(cropBoxAround(new Uint8Array(voxels(dims)), dims, spacing, 5)).toBeNull();
  });

  it('resizes the HU of the box only (same size: the crop as it is)', () => {
    const hu = Int16Array.from(fill(dims, (i, j, k) => i + 10 * j + 100 * k));
    const volume: Volume = { dims, spacing, affine: [], data: hu };
    const crop = resizeCrop(volume, { start: [2, 3, 4], size: [3, 2, 2] }, [3, 2, 2]);
    expect(Array.from(crop.data)).toEqual([432, 433, 434, 442, 443, 444, 532, 533, 534, 542, 543, 544]);
    // Halving i averages neighbour pairs: (432 + 433)/2 and (434 + 435)/2 …
    const half = resizeCrop(volume, { start: [2, 3, 4], size: [4, 1, 1] }, [2, 1, 1]);
    expect(Array.from(half.data)).toEqual([432.5, 434.5]);
  });
});

describe('ResNet run', () => {
  const session = () =>
    InferenceSession.create(poolingResnet({ size: RESNET_SIZE, scale: 4, bias: -2 }), {
      intraOpNumThreads: 1,
    });

  it('feeds the windowed crop and reads the logit and the pooled features', async () => {
    // HU 50 in the region and its margin; the window [−200, 300] maps it to 0.5.
    const volume: Volume = { dims, spacing, affine: [], data: new Int16Array(voxels(dims)).fill(50) };
    const { card } = resnetCard();
    const out = await classify(volume, cube([3, 3, 3], [3, 3, 3]), {
      card,
      session: await session(),
      dir: '',
    });
    expect(out.features).toEqual([0.5, 0.5, 0.5]);
    expect(out.probability).toBeCloseTo(0.5, 12); // sigmoid(4·0.5 − 2)
  });

  it('rejects an empty mask: no pancreas for the ResNet to look at', async () => {
    const volume: Volume = { dims, spacing, affine: [], data: new Int16Array(voxels(dims)) };
    const { card } = resnetCard();
    const run = classify(volume, new Uint8Array(voxels(dims)), { card, session: await session(), dir: '' });
    await expect(run).rejects.toThrow(InferenceInputError);
    await expect(run).rejects.toThrow(/no pancreas found by the U-Net/);
  });
});
