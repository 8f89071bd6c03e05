import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../torch-inference.py', import.meta.url));
const MODELS = fileURLToPath(new URL('../../models/demo', import.meta.url));
/** Debian's interpreter: the python3 first on PATH may not see python3-torch (ENVIRONMENT.md). */
const PYTHON = '/usr/bin/python3';

/** What both runtimes run: one study's U-Net patches (NCDHW, batch 1) and its ResNet input. */
export interface NetworkShapes {
  unetPatch: number[];
  unetPatches: number;
  resnetInput: number[];
}

export type TorchTimings = { unetMs: number; resnetMs: number } | { missing: string };

/** The networks' PyTorch wall time (bench/torch-inference.py, fastest of `repeats`), or what is missing. */
export function torchTimings(shapes: NetworkShapes, threads: number, repeats: number): TorchTimings {
  if (!existsSync(SCRIPT)) return { missing: `${SCRIPT} not found` };
  const weights = ['unet', 'resnet']
    .map((m) => path.join(MODELS, m, 'model.pt'))
    .filter((f) => !existsSync(f));
  if (weights.length > 0) return { missing: `${weights.join(' and ')} not found (PyTorch weights)` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { missing: `${PYTHON} cannot import torch (${(probe.stderr || String(probe.error)).trim()})` };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sap-torch-bench-'));
  try {
    const input = path.join(dir, 'input.json');
    writeFileSync(
      input,
      JSON.stringify({
        threads,
        repeats,
        unet: { patch: shapes.unetPatch.slice(2), count: shapes.unetPatches },
        resnet: { input: shapes.resnetInput.slice(2) },
      }),
    );
    const run = spawnSync(PYTHON, [SCRIPT, input], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`bench/torch-inference.py failed: ${run.stderr.trim()}`);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { unetMs: number; resnetMs: number };
    return { unetMs: result.unetMs, resnetMs: result.resnetMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
