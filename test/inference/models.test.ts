import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelLoadError, loadModels } from '../../core/inference/models';
import { resnetCard, sha256, unetCard, writeModelDir } from './model-dir';
import { thresholdUnet } from './onnx-models';

const dirs: string[] = [];
async function modelDir(...args: Parameters<typeof writeModelDir>): Promise<string> {
  const dir = await writeModelDir(...args);
  dirs.push(dir);
  return dir;
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The ModelLoadError loadModels throws for `dir`. */
async function loadError(dir: string): Promise<ModelLoadError> {
  const error = await loadModels(dir, { threads: 1 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return error as ModelLoadError;
}

describe('loadModels', () => {
  it('loads both models on the CPU provider when onnxruntime has no CUDA provider', async () => {
    const models = await loadModels(await modelDir(), { threads: 1 });
    expect(models.executionProvider).toBe('cpu');
    expect(models.unet.card.name).toBe('threshold-unet');
    expect(models.unet.session.inputNames).toEqual(['image']);
    expect(models.resnet.session.outputNames).toEqual(['logit', 'features']);
    expect(path.basename(models.resnet.dir)).toBe('resnet');
  });

  it('rejects an invalid card, listing the fields', async () => {
    const { card, bytes } = unetCard();
    const dir = await modelDir({
      card: { ...card, patch: { size: [32, 32, 16], overlap: 1.5 }, kind: 'cnn' },
      bytes,
    });
    const error = await loadError(dir);
    expect(error.reason).toBe('card-invalid');
    expect(error.file).toBe(path.join(dir, 'unet', 'model-card.json'));
    expect(error.message).toMatch(/model card invalid: .*kind: .*patch\.overlap: /);
  });

  it('rejects a card that is not JSON, and a missing card', async () => {
    const dir = await modelDir();
    await writeFile(path.join(dir, 'resnet', 'model-card.json'), '{ "schemaVersion": 1,');
    expect((await loadError(dir)).message).toMatch(/resnet\/model-card\.json: model card is not JSON/);
    await unlink(path.join(dir, 'resnet', 'model-card.json'));
    const missing = await loadError(dir);
    expect(missing.reason).toBe('file-missing');
    expect(missing.message).toMatch(/resnet\/model-card\.json: model card not found/);
  });

  it('rejects a card whose ONNX file is missing', async () => {
    const { card, bytes } = unetCard();
    const dir = await modelDir({ card: { ...card, file: 'unet-v2.onnx' }, bytes });
    const error = await loadError(dir);
    expect(error.reason).toBe('file-missing');
    expect(error.message).toMatch(/unet\/unet-v2\.onnx: ONNX file named by model-card\.json not found/);
  });

  it('rejects an ONNX file whose sha256 is not the card’s', async () => {
    const { card } = unetCard();
    const other = thresholdUnet({ level: 0.1 });
    const error = await loadError(await modelDir({ card, bytes: other }));
    expect(error.reason).toBe('sha256-mismatch');
    expect(error.message).toContain(`sha256 is ${sha256(other)}, its card lists ${card.sha256}`);
  });

  it('rejects a file that is not an ONNX model', async () => {
    const bytes = new TextEncoder().encode('PK\u0003\u0004 a zip, not a model');
    const { card } = resnetCard({ sha256: sha256(bytes) });
    const error = await loadError(await modelDir(undefined, { card, bytes }));
    expect(error.reason).toBe('not-onnx');
    expect(error.message).toMatch(/resnet\/model\.onnx: not an ONNX model onnxruntime can load: /);
  });

  it('rejects a model whose input or output names are not the card’s', async () => {
    const input = await loadError(await modelDir(unetCard({ input: { name: 'ct' } })));
    expect(input.reason).toBe('names-mismatch');
    expect(input.message).toMatch(
      /the model takes 1 inputs|the card names input "ct", the model's inputs are "image"/,
    );
    const { card, bytes } = resnetCard();
    const renamed = { ...card, outputs: { ...card.outputs, features: { name: 'pooled', length: 3 } } };
    const output = await loadError(await modelDir(undefined, { card: renamed, bytes }));
    expect(output.reason).toBe('names-mismatch');
    expect(output.message).toMatch(
      /the card names output "pooled", the model's outputs are "logit", "features"/,
    );
  });

  it('rejects fixed sizes that are not the card’s', async () => {
    const fixed = thresholdUnet({ level: 0.5, shape: [1, 1, 16, 32, 24] });
    const unet = await loadError(await modelDir(unetCard({}, fixed)));
    expect(unet.reason).toBe('shape-mismatch');
    expect(unet.message).toMatch(
      /"image" has shape \[1, 1, 16, 32, 24\]; the card expects \[N, 1, 16, 32, 32\]/,
    );
    const { card, bytes } = resnetCard();
    const longer = { ...card, outputs: { ...card.outputs, features: { name: 'features', length: 2048 } } };
    const resnet = await loadError(await modelDir(undefined, { card: longer, bytes }));
    expect(resnet.reason).toBe('shape-mismatch');
    expect(resnet.message).toMatch(
      /"features" holds 3 values per case, the card's outputs.features.length is 2048/,
    );
  });
});

describe('loadModels on a device', () => {
  it("fails with a plain error, not a model error, when device 'cuda' has no CUDA provider", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sap-models-'));
    dirs.push(dir);
    await writeModelDir(undefined, undefined, dir);
    const error = await loadModels(dir, { device: 'cuda', threads: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (error === undefined) return; // a machine with the CUDA provider: nothing to refuse
    expect(error).not.toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/device 'cuda': onnxruntime-node has no CUDA provider here/);
  });
});
