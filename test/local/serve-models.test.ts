import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/stack/paths';

/**
 * `sap serve --models DIR` with a fusion model alone (issue #19, item 7): the image models come from the
 * demo with a notice, and the banner names every model in use and the local models bucket that
 * `sap rescore` reads. The real command in its own process, stopped with Ctrl-C's signal.
 */
const SAP = path.join(REPO_ROOT, 'bin', 'sap.js');
const DEMO = path.join(REPO_ROOT, 'models', 'demo');

let root: string;
let siteModel: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-serve-models-'));
  siteModel = path.join(root, 'site-model');
  await mkdir(siteModel);
  await copyFile(path.join(DEMO, 'model.ubj'), path.join(siteModel, 'model.ubj'));
  const card = JSON.parse(await readFile(path.join(DEMO, 'model-card.json'), 'utf8')) as object;
  const siteCard = { ...card, name: 'site-model', version: 'site-1', syntheticDemo: false };
  await writeFile(path.join(siteModel, 'model-card.json'), JSON.stringify(siteCard));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs `sap serve` until its banner is printed, then sends SIGINT; its output and exit code. */
function serveUntilBanner(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SAP, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let stopped = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Once: a second signal makes it exit at once (130), as a second Ctrl-C does.
      if (!stopped && out.includes('--models ./my-model')) stopped = child.kill('SIGINT');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('sap serve --models with a fusion model only', () => {
  it('takes the image models from the demo with a notice, and names the models and the models bucket', async () => {
    const { code, out, err } = await serveUntilBanner([
      '--models',
      siteModel,
      '--data-dir',
      path.join(root, 'data'),
    ]);
    expect(err).toContain(`notice: ${siteModel} has no unet/ and resnet/: the demo's synthetic image models`);
    const lines = out.split('\n');
    const line = (start: RegExp) => lines.find((l) => start.test(l));
    expect(line(/^ {2}Models {8}fusion \(XGBoost\) site-model version site-1 {3}/)).toContain(siteModel);
    expect(line(/^ {16}U-Net \S+ version \S+ \(synthetic, not for clinical use\) {3}/)).toContain(
      path.join(DEMO, 'unet'),
    );
    expect(line(/^ {16}ResNet50 \S+ version \S+ \(synthetic, not for clinical use\)/)).toBeDefined();
    const endpoint = /S3 endpoint +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(line(/^ {2}Models bucket /)).toBe(
      `  Models bucket sap-models on ${endpoint}   (models/{xgboost,unet,resnet}/{version}/)`,
    );
    expect(out).toContain(`s3://sap-models/models/xgboost/2/ --recursive --endpoint-url ${endpoint}`);
    expect(out).toMatch(
      /npx sap rescore <studyId> --model-version 2 --wait --endpoint http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(out).toContain('SIGINT: stopping the local stack');
    expect(code).toBe(0);
  }, 300_000);

  it('runs the CPU tier with --inference cpu, and says so', async () => {
    const { code, out } = await serveUntilBanner([
      '--inference',
      'cpu',
      '--data-dir',
      path.join(root, 'cpu'),
    ]);
    expect(out).toMatch(/^ {2}Inference {5}cpu tier: the InferCpu Lambda handler, in process/m);
    expect(code).toBe(0);
  }, 300_000);
});
