/** Model directories (unet/ and resnet/, each a card and an ONNX file) for tests, in a temporary folder. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ResnetCard, UnetCard } from '../../core/inference/model-card';
import { poolingResnet, thresholdUnet } from './onnx-models';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** HU 200.5 on the stand-in's window: bone, never exactly on an integer HU. */
export const BONE_LEVEL_HU = 200.5;
export const STANDIN_WINDOW: [number, number] = [-100, 400];
const unitLevel = (hu: number) => (hu - STANDIN_WINDOW[0]) / (STANDIN_WINDOW[1] - STANDIN_WINDOW[0]);

export function unetCard(
  overrides: Partial<UnetCard> = {},
  bytes = thresholdUnet({ level: unitLevel(BONE_LEVEL_HU) }),
): { card: UnetCard; bytes: Uint8Array } {
  const card: UnetCard = {
    schemaVersion: 1,
    name: 'threshold-unet',
    version: 'test-1',
    file: 'model.onnx',
    sha256: sha256(bytes),
    synthetic: true,
    intendedUse: 'tests only',
    intensity: { huWindow: STANDIN_WINDOW, normalisation: { type: 'unit' } },
    kind: 'unet',
    spacingMm: [4, 4, 4],
    input: { name: 'image' },
    patch: { size: [32, 32, 16], overlap: 0.5 },
    output: { name: 'logits', kind: 'logits', channels: 1, foregroundChannel: 0, threshold: 0.5 },
    ...overrides,
  };
  return { card, bytes };
}

export const RESNET_SIZE: [number, number, number] = [16, 12, 8];

export function resnetCard(
  overrides: Partial<ResnetCard> = {},
  bytes = poolingResnet({ size: RESNET_SIZE, scale: 4, bias: -2 }),
): { card: ResnetCard; bytes: Uint8Array } {
  const card: ResnetCard = {
    schemaVersion: 1,
    name: 'pooling-resnet',
    version: 'test-1',
    file: 'model.onnx',
    sha256: sha256(bytes),
    synthetic: false,
    intendedUse: 'tests only',
    intensity: { huWindow: [-200, 300], normalisation: { type: 'unit' } },
    kind: 'resnet',
    input: { name: 'image', size: RESNET_SIZE },
    cropMarginMm: 10,
    outputs: {
      probability: { name: 'logit', kind: 'logit' },
      features: { name: 'features', length: 3 },
    },
    ...overrides,
  };
  return { card, bytes };
}

export interface ModelFiles {
  card: unknown;
  bytes: Uint8Array;
}

/** Writes `root/unet` and `root/resnet` (root: a new temporary folder unless given). */
export async function writeModelDir(
  unet: ModelFiles = unetCard(),
  resnet: ModelFiles = resnetCard(),
  root?: string,
): Promise<string> {
  const dir = root ?? (await mkdtemp(path.join(tmpdir(), 'sap-models-')));
  for (const [name, files] of [
    ['unet', unet],
    ['resnet', resnet],
  ] as const) {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'model-card.json'), JSON.stringify(files.card, null, 2));
    await writeFile(path.join(dir, name, 'model.onnx'), files.bytes);
  }
  return dir;
}
