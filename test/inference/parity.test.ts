import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resnetCardSchema, unetCardSchema } from '../../core/inference/model-card';

/**
 * The committed demo networks (models/demo/{unet,resnet}) give in onnxruntime-node what they gave in
 * PyTorch: inputs and PyTorch outputs come from scripts/demo-models/make-parity-fixtures.py.
 */
const REPO = new URL('../../', import.meta.url);
const FIXTURES = new URL('test/fixtures/inference/', REPO);
/**
 * Largest accepted |PyTorch − onnxruntime| on any logit or feature. Both run float32 kernels that sum in
 * different orders; the errors seen are ~1e-6, so 1e-4 catches any real difference (a wrong op, layout or
 * weight) with room to spare.
 */
const MAX_ABS_DIFF = 1e-4;
/** Every demo model file in the repository together (issue #5: the repository stays small to clone). */
const MAX_DEMO_MODELS_BYTES = 25 * 1024 * 1024;

interface TensorFixture {
  name: string;
  shape: number[];
  file: string;
}
interface NetworkFixture {
  model: string;
  input: TensorFixture;
  outputs: TensorFixture[];
}
const parity = JSON.parse(readFileSync(new URL('parity.json', FIXTURES), 'utf8')) as Record<
  'unet' | 'resnet',
  NetworkFixture
>;

function readFloats(fixture: TensorFixture): Float32Array {
  const bytes = readFileSync(new URL(fixture.file, FIXTURES));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  expect(values.length).toBe(fixture.shape.reduce((a, b) => a * b, 1));
  return values;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let n = 0; n < a.length; n++) max = Math.max(max, Math.abs(a[n]! - b[n]!));
  return max;
}

function sha256(path: URL): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('demo model cards', () => {
  it.each([
    ['unet', unetCardSchema],
    ['resnet', resnetCardSchema],
  ] as const)('%s: the card parses and names the committed ONNX file by its sha256', (name, schema) => {
    const dir = new URL(`models/demo/${name}/`, REPO);
    const card = schema.parse(JSON.parse(readFileSync(new URL('model-card.json', dir), 'utf8')));
    expect(card.synthetic).toBe(true);
    expect(card.intendedUse).toMatch(/not for clinical use/);
    expect(card.sha256).toBe(sha256(new URL(card.file, dir)));
  });

  it(`models/demo, all models together, stays under ${MAX_DEMO_MODELS_BYTES / 1024 / 1024} MB`, () => {
    const demo = fileURLToPath(new URL('models/demo/', REPO));
    const files = readdirSync(demo, { recursive: true, encoding: 'utf8' });
    const bytes = files
      .map((f) => statSync(join(demo, f)))
      .reduce((sum, s) => sum + (s.isFile() ? s.size : 0), 0);
    expect(bytes).toBeLessThanOrEqual(MAX_DEMO_MODELS_BYTES);
  });
});

describe(`PyTorch ↔ onnxruntime-node parity (max |diff| ≤ ${MAX_ABS_DIFF})`, () => {
  it.each(['unet', 'resnet'] as const)('%s', async (name) => {
    const fixture = parity[name];
    const session = await InferenceSession.create(fileURLToPath(new URL(fixture.model, REPO)), {
      intraOpNumThreads: 1,
      executionProviders: ['cpu'],
    });
    try {
      const input = new Tensor('float32', readFloats(fixture.input), fixture.input.shape);
      const outputs = await session.run({ [fixture.input.name]: input });
      for (const expected of fixture.outputs) {
        const actual = outputs[expected.name];
        expect(actual, `output ${expected.name}`).toBeDefined();
        expect(actual!.dims).toEqual(expected.shape);
        const diff = maxAbsDiff(actual!.data as Float32Array, readFloats(expected));
        expect(diff, `${name} ${expected.name}: max |diff| ${diff.toExponential(2)}`).toBeLessThanOrEqual(
          MAX_ABS_DIFF,
        );
      }
    } finally {
      await session.release();
    }
  });
});
