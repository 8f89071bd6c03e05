import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// No Docker engine here: the image is built at deploy time, so its recipe is checked by reading it.
const dockerfile = readFileSync('containers/gpu-inference/Dockerfile', 'utf8');
const dockerignore = readFileSync('.dockerignore', 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'));

describe('inference container image', () => {
  it('runs on an NVIDIA CUDA 12 + cuDNN runtime with Node 20', () => {
    expect(instructions).toContainEqual(
      expect.stringMatching(/^FROM nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-/),
    );
    expect(instructions).toContainEqual(expect.stringMatching(/^FROM node:20-/));
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
