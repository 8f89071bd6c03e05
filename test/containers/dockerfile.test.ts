import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// No Docker engine here: the image is built at deploy time, so its recipe is checked by reading it.
const dockerfile = readFileSync('containers/gpu-inference/Dockerfile', 'utf8');
const dockerignore = readFileSync('.dockerignore', 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'));
/** The image of each FROM, without its stage name. */
const bases = instructions.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1]!);

describe('inference container image', () => {
  it('runs on an NVIDIA CUDA 12.x + cuDNN runtime, the CUDA major that onnxruntime-node 1.30 is built for', () => {
    const cuda = bases.filter((image) => image.startsWith('nvidia/cuda:'));
    expect(cuda).toHaveLength(1);
    expect(cuda[0]).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-/);
  });

  // Node 20 reached its end of life in April 2026 (https://nodejs.org/en/about/previous-releases).
  it('takes Node.js 22 (a maintained LTS line) and nothing older', () => {
    const node = bases.filter((image) => image.startsWith('node:'));
    expect(node).toHaveLength(1);
    expect(node[0]).toMatch(/^node:22-bookworm-slim(?:@sha256:[0-9a-f]{64})?$/);
  });

  it("installs production dependencies without scripts, then onnxruntime-node's CUDA 12 provider, and checks it", () => {
    const npmCi = instructions.findIndex((l) => /^RUN npm ci --omit=dev --ignore-scripts/.test(l));
    const install = instructions.findIndex((l) =>
      l.includes('ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install'),
    );
    expect(npmCi).toBeGreaterThan(-1);
    expect(install).toBeGreaterThan(npmCi);
    expect(instructions[install]).toContain(
      'test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so',
    );
  });

  it('copies core/ and the container folder, and starts main.ts with tsx (SageMaker passes "serve")', () => {
    expect(instructions).toContain('COPY core ./core');
    expect(instructions).toContain('COPY containers/gpu-inference ./containers/gpu-inference');
    expect(instructions.at(-1)).toBe(
      'ENTRYPOINT ["node", "--import", "tsx", "containers/gpu-inference/main.ts"]',
    );
  });

  it('has a build context (.dockerignore whitelist) that holds every path the Dockerfile copies', () => {
    const allowed = dockerignore
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    const copied = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(dockerignore.split('\n')).toContain('*');
    expect(copied.filter((path) => !allowed.includes(path))).toEqual([]);
  });
});
