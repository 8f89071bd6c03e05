import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceServer, type InferenceServerOptions } from '../../containers/gpu-inference/server';
import { readNifti } from '../../core/imaging/nifti';
import type { Volume } from '../../core/imaging/volume';
import { inferenceResultSchema } from '../../core/inference/result';
import { generatePhantom } from '../../core/phantom';
import { closeServer, listen } from '../../local/stack/http-server';
import {
  BUCKET,
  DEMO_MODEL_DIR,
  brokenModelDir,
  demoModelsPresent,
  float32NiftiGz,
  putObject,
  putVolume,
  removeTemporaryDirs,
  requestFor,
  s3ClientFor,
  startS3Fixture,
  tinyModelDir,
  type S3Fixture,
  keysOf,
} from './fixtures';

/** A small phantom: big enough for any U-Net patch at its spacing, quick on one CPU thread. */
const PHANTOM_DIMS: [number, number, number] = [64, 64, 48];

let fixture: S3Fixture;
const running: (() => Promise<void>)[] = [];

beforeAll(async () => {
  fixture = await startS3Fixture();
});
afterAll(async () => {
  await Promise.all(running.map((close) => close()));
  await fixture.close();
  await removeTemporaryDirs();
});

/** The container's server on a free loopback port, one onnxruntime thread (the test machine is shared). */
async function startServer(
  options: Partial<InferenceServerOptions> & Pick<InferenceServerOptions, 'modelDir'>,
) {
  const { server, ready } = createInferenceServer({ s3: fixture.s3, threads: 1, device: 'cpu', ...options });
  const base = `http://127.0.0.1:${await listen(server)}`;
  running.push(() => closeServer(server));
  return { base, ready };
}

function invoke(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function getBytes(key: string): Promise<Uint8Array> {
  const response = await fixture.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return response.Body!.transformToByteArray();
}

describe('inference container: health', () => {
  it('answers /ping 503 while the models are not there yet, 200 once they are loaded', async () => {
    let provide!: (dir: string) => void;
    const { base, ready } = await startServer({ modelDir: new Promise<string>((r) => (provide = r)) });
    const before = await fetch(`${base}/ping`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ error: 'MODELS_LOADING' });
    provide(await tinyModelDir());
    await ready;
    const after = await fetch(`${base}/ping`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ status: 'ok', executionProvider: 'cpu' });
  });

  it('stays unhealthy with the reason when a model file is not ONNX, and refuses invocations with 503', async () => {
    const { base, ready } = await startServer({ modelDir: await brokenModelDir() });
    await expect(ready).rejects.toThrow(/not an ONNX model/);
    const ping = await fetch(`${base}/ping`);
    expect(ping.status).toBe(503);
    const body = (await ping.json()) as { error: string; message: string };
    expect(body.error).toBe('MODELS_NOT_LOADED');
    expect(body.message).toMatch(/unet\/model\.onnx: not an ONNX model onnxruntime can load/);
    const invocation = await invoke(base, requestFor('broken-models'));
    expect(invocation.status).toBe(503);
    expect(await invocation.json()).toMatchObject({ error: 'MODELS_NOT_LOADED' });
  });
});

describe('inference container: POST /invocations', () => {
  let base: string;
  /** GetObject calls still to fail, as an S3 outage would: a fault at the client boundary. */
  let failingGets = 0;

  beforeAll(async () => {
    const s3 = s3ClientFor(fixture.server.endpoint);
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand' && failingGets > 0) {
          failingGets--;
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
            name: 'InternalError',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectS3Outage' },
    );
    const started = await startServer({
      modelDir: demoModelsPresent ? DEMO_MODEL_DIR : await tinyModelDir(),
      s3,
    });
    base = started.base;
    await started.ready;
  });

  it('segments a phantom: writes mask.nii.gz (uint8 on the volume grid) and inference.json, answers 200 with the result', async () => {
    const { volume } = generatePhantom({ dims: PHANTOM_DIMS, seed: 7 });
    await putVolume(fixture.s3, 'phantom-7', volume);
    const response = await invoke(base, requestFor('phantom-7'), {
      'X-Amzn-SageMaker-Custom-Attributes': 'ignored',
      'X-Amzn-SageMaker-Inference-Id': 'ignored',
    });
    expect(response.status).toBe(200);
    const answered = inferenceResultSchema.parse(await response.json());

    const stored = inferenceResultSchema.parse(
      JSON.parse(new TextDecoder().decode(await getBytes(keysOf('phantom-7').inference))),
    );
    expect(stored).toEqual(answered);
    expect(stored.executionProvider).toBe('cpu');
    expect(stored.synthetic).toBe(true);

    const mask = readNifti(await getBytes(keysOf('phantom-7').mask), 'mask.nii.gz');
    expect(mask.datatype).toBe('uint8');
    expect(mask.dims).toEqual(volume.dims);
    mask.affine.forEach((v, n) => expect(v).toBeCloseTo(volume.affine[n]!, 3));
    let voxels = 0;
    for (const v of mask.values) voxels += v;
    expect(voxels).toBe(stored.maskVoxels);
    expect(voxels).toBeGreaterThan(0);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const response = await invoke(base, '{"studyId": "s1", ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'MALFORMED_JSON', message: /not JSON/ });
  });

  it.each([
    ['a missing field', { ...requestFor('s1'), maskKey: undefined }, /maskKey/],
    ['a study id that is not one', { ...requestFor('s1'), studyId: '../s1' }, /studyId must be/],
    [
      'a key of another study',
      { ...requestFor('s1'), maskKey: 'work/s2/mask.nii.gz' },
      /maskKey must be a key under work\/s1\//,
    ],
    ['a key that climbs out', { ...requestFor('s1'), volumeKey: 'work/s1/../s2/volume.nii.gz' }, /volumeKey/],
    ['a bucket name S3 cannot have', { ...requestFor('s1'), bucket: 'Studies_Bucket' }, /bucket/],
  ])('refuses %s with 400 naming it', async (_case, body, problem) => {
    const response = await invoke(base, body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe('INVALID_REQUEST');
    expect(answer.message).toMatch(problem);
  });

  it('refuses a body over 64 KB with 413', async () => {
    const response = await invoke(base, { ...requestFor('s1'), padding: 'x'.repeat(70_000) });
    expect(response.status).toBe(413);
  });

  it('answers 424 naming bucket and key when the volume object does not exist', async () => {
    const response = await invoke(base, requestFor('never-validated'));
    expect(response.status).toBe(424);
    expect(await response.json()).toMatchObject({
      error: 'VOLUME_NOT_FOUND',
      message: expect.stringContaining(`s3://${BUCKET}/${keysOf('never-validated').volume}`),
    });
  });

  it('refuses a float32 volume with 422 "wrong dtype" instead of converting it', async () => {
    const { volume } = generatePhantom({ dims: PHANTOM_DIMS, seed: 8 });
    await putObject(fixture.s3, keysOf('float-volume').volume, float32NiftiGz(volume));
    const response = await invoke(base, requestFor('float-volume'));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      error: 'VOLUME_WRONG_DTYPE',
      message: expect.stringMatching(
        /^wrong dtype: work\/float-volume\/v-[0-9a-f]{16}\/volume\.nii\.gz holds float32/,
      ),
    });
  });

  it('refuses a volume that is not in canonical RAS orientation with 422', async () => {
    const { volume } = generatePhantom({ dims: PHANTOM_DIMS, seed: 9 });
    const flipped: Volume = { ...volume, affine: volume.affine.map((v, n) => (n === 0 ? -v : v)) };
    await putVolume(fixture.s3, 'las-volume', flipped);
    const response = await invoke(base, requestFor('las-volume'));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      error: 'VOLUME_NOT_CANONICAL',
      message: /LAS orientation/,
    });
  });

  it('refuses a corrupt volume file with 422', async () => {
    await putObject(
      fixture.s3,
      keysOf('corrupt').volume,
      new TextEncoder().encode('not a NIfTI file at all'),
    );
    const response = await invoke(base, requestFor('corrupt'));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: 'VOLUME_UNREADABLE' });
  });

  it('refuses a volume smaller than the U-Net patch with 422 VOLUME_TOO_SMALL', async () => {
    const { volume } = generatePhantom({ dims: [10, 10, 8], spacing: [1, 1, 1], seed: 10 });
    await putVolume(fixture.s3, 'tiny-volume', volume);
    const response = await invoke(base, requestFor('tiny-volume'));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: 'VOLUME_TOO_SMALL', message: /smaller than its/ });
  });

  it('answers 500 with a short message when S3 fails, and takes the next request', async () => {
    const { volume } = generatePhantom({ dims: PHANTOM_DIMS, seed: 11 });
    await putVolume(fixture.s3, 'outage', volume);
    failingGets = 1;
    const failed = await invoke(base, requestFor('outage'));
    expect(failed.status).toBe(500);
    const answer = (await failed.json()) as { error: string; message: string };
    expect(answer).toEqual({
      error: 'INFERENCE_FAILED',
      message: 'inference failed (InternalError): We encountered an internal error. Please try again.',
    });
    expect((await fetch(`${base}/ping`)).status).toBe(200);
    const retried = await invoke(base, requestFor('outage'));
    expect(retried.status).toBe(200);
  });

  it('takes concurrent requests one after the other and answers each', async () => {
    for (const seed of [12, 13]) {
      await putVolume(fixture.s3, `queued-${seed}`, generatePhantom({ dims: PHANTOM_DIMS, seed }).volume);
    }
    const statuses = await Promise.all([12, 13].map((seed) => invoke(base, requestFor(`queued-${seed}`))));
    expect(statuses.map((r) => r.status)).toEqual([200, 200]);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    expect((await fetch(`${base}/invocations/extra`, { method: 'POST' })).status).toBe(404);
    const wrongMethod = await fetch(`${base}/invocations`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});
