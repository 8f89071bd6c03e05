import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession, providerCandidates } from '../../core/inference/execution-provider';
import { removeTemporaryDirs, requestFor, tinyModelDir } from './fixtures';

/**
 * In the cloud the container runs with SAP_DEVICE=cuda: a GPU instance whose CUDA provider is missing or
 * broken must fail loudly (an unhealthy /ping, so SageMaker never routes a study to it and replaces it)
 * rather than quietly run the networks on the CPU. The onnxruntime-node here is the CPU-only npm build,
 * so the CUDA path fails for real.
 */
afterAll(removeTemporaryDirs);

describe('device cuda without a working CUDA provider', () => {
  it('onnxruntime itself refuses a CUDA (or TensorRT) session here: no CPU session comes back', async () => {
    const dir = await tinyModelDir();
    const model = new Uint8Array(await readFile(join(dir, 'unet', 'model.onnx')));
    // The provider lists that device 'cuda' gives, without the library check in front of onnxruntime.
    for (const candidates of [['cuda'], ['tensorrt', 'cuda']] as const) {
      await expect(createSession(model, [...candidates], { threads: 1 })).rejects.toThrow(
        /Failed to load shared library/,
      );
    }
    expect(() => providerCandidates('cuda', false)).toThrow(
      /device 'cuda': onnxruntime-node has no CUDA provider here/,
    );
  });

  it('main.ts with SAP_DEVICE=cuda stays unhealthy: /ping 503 with the reason, /invocations 503', async () => {
    const port = await freePort();
    const container = startContainer({
      SAGEMAKER_BIND_TO_PORT: String(port),
      SAP_DEVICE: 'cuda',
      SAP_THREADS: '1',
      SAP_MODEL_DIR: await tinyModelDir(),
      AWS_REGION: 'eu-west-1',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const ping = await pingUntilSettled(`${base}/ping`, container);
      expect(ping.status).toBe(503);
      expect(ping.body).toMatchObject({
        error: 'MODELS_NOT_LOADED',
        message: expect.stringMatching(/the models failed to load: device 'cuda'.*CUDA provider/),
      });
      const invocation = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(requestFor('on-a-broken-gpu')),
      });
      expect(invocation.status).toBe(503);
      expect(await invocation.json()).toMatchObject({ error: 'MODELS_NOT_LOADED' });
    } finally {
      container.kill('SIGTERM');
    }
  });
});

/** The container's entry point as the image runs it, with only the environment given (as in SageMaker). */
function startContainer(env: Record<string, string>): ChildProcess {
  const entry = ['--import', 'tsx', 'containers/gpu-inference/main.ts', 'serve'];
  return spawn(process.execPath, entry, { env, stdio: 'ignore' });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** /ping until the server answers something other than "still loading" (30 s at most). */
async function pingUntilSettled(
  url: string,
  container: ChildProcess,
): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (container.exitCode !== null) throw new Error(`main.ts exited with code ${container.exitCode}`);
    const answer = await fetch(url).then(
      async (response) => ({ status: response.status, body: (await response.json()) as unknown }),
      () => undefined,
    );
    if (answer && (answer.body as { error?: string }).error !== 'MODELS_LOADING') return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not settle within 30 s`);
}
