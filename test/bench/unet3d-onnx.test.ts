import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildUnet3dOnnx, NNUNET_FEATURES } from '../../bench/unet3d-onnx';

/** Parameters of nnU-Net's PlainConvUNet counted by hand: weights + biases, InstanceNorm scale + bias. */
function expectedParameters(features: readonly number[], classes: number): number {
  const conv = (cIn: number, cOut: number, k: number) => cOut * cIn * k ** 3 + cOut;
  const block = (cIn: number, cOut: number) => conv(cIn, cOut, 3) + 2 * cOut;
  let total = 0;
  features.forEach((f, s) => (total += block(s === 0 ? 1 : features[s - 1]!, f) + block(f, f)));
  for (let s = features.length - 2; s >= 0; s--) {
    const f = features[s]!;
    total += features[s + 1]! * f * 8 + f + block(2 * f, f) + block(f, f);
  }
  return total + conv(features[0]!, classes, 1);
}

describe('bench 3D U-Net builder', () => {
  it('holds the parameters of its layout: 31.2 M at nnU-Net width, a tiny one to the weight', () => {
    expect(buildUnet3dOnnx({ features: [2, 4, 8], classes: 3 }).parameters).toBe(
      expectedParameters([2, 4, 8], 3),
    );
    const full = buildUnet3dOnnx().parameters;
    expect(full).toBe(expectedParameters(NNUNET_FEATURES, 2));
    expect(full).toBe(31_194_050);
  });

  it('runs in onnxruntime: logits per class at the input size, finite, any multiple of 2^(stages − 1)', async () => {
    const model = buildUnet3dOnnx({ features: [2, 4, 8], classes: 3, input: 'ct', output: 'logits' });
    expect(model.sizeMultiple).toBe(4);
    const session = await InferenceSession.create(model.bytes);
    const shape = [1, 1, 8, 12, 16];
    const data = Float32Array.from({ length: 8 * 12 * 16 }, (_, n) => Math.sin(n));
    const { logits } = await session.run({ ct: new Tensor('float32', data, shape) });
    expect(logits!.dims).toEqual([1, 3, 8, 12, 16]);
    expect((logits!.data as Float32Array).every(Number.isFinite)).toBe(true);
    await session.release();
  });
});
