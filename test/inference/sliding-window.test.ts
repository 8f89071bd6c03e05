import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/imaging/volume';
import type { UnetCard } from '../../core/inference/model-card';
import { segmentProbability } from '../../core/inference/segment';
import { gaussianImportance, patchGrid, patchStarts } from '../../core/inference/sliding-window';
import { fill, maxAbsDiff, voxels } from './grids';
import { unetCard } from './model-dir';
import { identityUnet, twoClassUnet } from './onnx-models';

describe('patch positions', () => {
  it('steps by round(size·(1 − overlap)) and puts the last patch flush with the far edge', () => {
    expect(patchStarts(10, 4, 0.5)).toEqual([0, 2, 4, 6]);
    expect(patchStarts(11, 4, 0.5)).toEqual([0, 2, 4, 6, 7]);
    expect(patchStarts(10, 4, 0)).toEqual([0, 4, 6]);
    expect(patchStarts(10, 5, 1 / 3)).toEqual([0, 3, 5]); // stride round(3.33) = 3
    expect(patchStarts(4, 4, 0.5)).toEqual([0]);
    expect(() => patchStarts(3, 4, 0.5)).toThrow(/does not fit/);
  });

  it('covers every voxel with no gap wider than the stride, for many lengths', () => {
    const problems: string[] = [];
    for (const size of [1, 4, 7, 16]) {
      for (const overlap of [0, 0.25, 0.5, 0.9]) {
        const stride = Math.max(1, Math.round(size * (1 - overlap)));
        for (let length = size; length < size * 5; length++) {
          const starts = patchStarts(length, size, overlap);
          const covered = new Uint8Array(length);
          for (const s of starts) covered.fill(1, s, s + size);
          const steps = starts.slice(1).map((s, n) => s - starts[n]!);
          const ok =
            covered.every((c) => c === 1) &&
            starts.at(-1) === length - size &&
            steps.every((d) => d > 0 && d <= stride);
          if (!ok) problems.push(`${length}/${size}/${overlap}: ${starts.join(',')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lists patches with i varying fastest', () => {
    expect(patchGrid([6, 4, 4], [4, 4, 4], 0.5)).toEqual([
      [0, 0, 0],
      [2, 0, 0],
    ]);
  });
});

describe('Gaussian importance map (nnU-Net)', () => {
  it('is 1 at voxel ⌊size/2⌋ and exp(−d²/2σ²) per axis with σ = size/8', () => {
    const size: Vec3 = [5, 4, 3];
    const map = gaussianImportance(size);
    const at = (i: number, j: number, k: number) => map[i + 5 * (j + 4 * k)]!;
    expect(at(2, 2, 1)).toBe(1);
    const g = (d: number, n: number) => Math.exp(-(d * d) / (2 * (n / 8) ** 2));
    const relative = (a: number, b: number) => Math.abs(a - b) / b;
    expect(relative(at(0, 0, 0), g(2, 5) * g(2, 4) * g(1, 3))).toBeLessThan(1e-6); // float32
    expect(relative(at(4, 3, 2), g(2, 5) * g(1, 4) * g(1, 3))).toBeLessThan(1e-6);
    expect(at(0, 2, 1)).toBe(at(4, 2, 1)); // odd size: symmetric about the centre
    expect(map.every((w) => w > 0)).toBe(true);
  });
});

describe('sliding-window blending', () => {
  const dims: Vec3 = [23, 19, 13];
  const patch: Vec3 = [8, 6, 4];
  const card = (output: Partial<UnetCard['output']>): UnetCard =>
    unetCard({
      patch: { size: patch, overlap: 0.5 },
      output: {
        name: 'logits',
        kind: 'probability',
        channels: 1,
        foregroundChannel: 0,
        threshold: 0.5,
        ...output,
      },
    }).card;
  const session = (bytes: Uint8Array) => InferenceSession.create(bytes, { intraOpNumThreads: 1 });

  it('gives back what an identity model returns, at every voxel, whatever the batch size', async () => {
    const image = { dims, data: fill(dims, (i, j, k) => Math.sin(i * 0.7) + Math.cos(j * 0.3 + k)) };
    const unet = { card: card({}), session: await session(identityUnet()), dir: '' };
    const one = await segmentProbability(image, unet);
    expect(maxAbsDiff(one, image.data)).toBeLessThan(1e-6);
    const batched = await segmentProbability(image, unet, { batchSize: 5 });
    expect(Array.from(batched)).toEqual(Array.from(one));
  });

  it('reproduces a constant output exactly', async () => {
    const unet = { card: card({}), session: await session(identityUnet()), dir: '' };
    const constant = await segmentProbability(
      { dims, data: new Float32Array(voxels(dims)).fill(0.25) },
      unet,
    );
    expect(constant.every((p) => p === 0.25)).toBe(true);
    const logits = { ...unet, card: card({ kind: 'logits' }) };
    const zero = await segmentProbability({ dims, data: new Float32Array(voxels(dims)) }, logits);
    expect(zero.every((p) => p === 0.5)).toBe(true); // sigmoid(0)
  });

  it('applies the sigmoid to one logit channel and the softmax to several', async () => {
    const image = { dims, data: fill(dims, (i, j, k) => (i - j + k) / 10) };
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const one = await segmentProbability(image, {
      card: card({ kind: 'logits' }),
      session: await session(identityUnet()),
      dir: '',
    });
    expect(maxAbsDiff(one, image.data.map(sigmoid))).toBeLessThan(1e-6);
    const two = await segmentProbability(image, {
      card: card({ kind: 'logits', channels: 2, foregroundChannel: 1 }),
      session: await session(twoClassUnet(1.5)),
      dir: '',
    });
    // Channels −1.5x and 1.5x: softmax of channel 1 is sigmoid(3x).
    expect(
      maxAbsDiff(
        two,
        image.data.map((x) => sigmoid(3 * x)),
      ),
    ).toBeLessThan(1e-6);
  });
});
