/**
 * Loading the U-Net and the ResNet50 from a model directory (`unet/`, `resnet/`, each a model-card.json
 * and the ONNX file it names): the card is checked against the model contract, the file against the
 * card's sha256, and the session's inputs and outputs against the card, so a wrong model fails at start
 * rather than producing a plausible-looking result. Sessions are made once; callers keep LoadedModels.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { z } from 'zod';
import { ModelLoadError } from './errors';
import {
  createSession,
  providerCandidates,
  type Device,
  type ExecutionProvider,
  type SessionSettings,
} from './execution-provider';
import { checkResnetSession, checkUnetSession } from './model-io';
import { resnetCardSchema, unetCardSchema, type ResnetCard, type UnetCard } from './model-card';

export { ModelLoadError } from './errors';

export interface LoadedModel<C> {
  card: C;
  session: InferenceSession;
  /** The directory holding the card. */
  dir: string;
}

export interface LoadedModels {
  unet: LoadedModel<UnetCard>;
  resnet: LoadedModel<ResnetCard>;
  executionProvider: ExecutionProvider;
}

export interface LoadModelsOptions extends SessionSettings {
  /** 'auto' (default): CUDA where onnxruntime has its provider, else CPU. 'cuda' fails without it. */
  device?: Device;
  /** Try TensorRT before CUDA. Default: SAP_TENSORRT=1 in the environment. */
  tensorrt?: boolean;
}

export const CARD_FILE = 'model-card.json';

interface ModelFiles<C> {
  card: C;
  dir: string;
  onnxPath: string;
  bytes: Uint8Array;
}

async function readOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelLoadError(file, 'file-missing', `${what} not found`);
    throw new ModelLoadError(file, 'file-missing', `${what} cannot be read (${code ?? String(error)})`);
  }
}

async function readCard<S extends z.ZodType>(cardPath: string, schema: S): Promise<z.infer<S>> {
  const text = (await readOrFail(cardPath, 'model card')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(
      cardPath,
      'card-invalid',
      `model card is not JSON (${(error as Error).message})`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(card)'}: ${i.message}`);
    throw new ModelLoadError(cardPath, 'card-invalid', `model card invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}

async function readModelFiles<S extends z.ZodType<{ file: string; sha256: string }>>(
  dir: string,
  schema: S,
): Promise<ModelFiles<z.infer<S>>> {
  const card = await readCard(path.join(dir, CARD_FILE), schema);
  const onnxPath = path.resolve(dir, card.file);
  const bytes = await readOrFail(onnxPath, `ONNX file named by ${CARD_FILE}`);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== card.sha256) {
    throw new ModelLoadError(
      onnxPath,
      'sha256-mismatch',
      `sha256 is ${actual}, its card lists ${card.sha256}: the model was changed or damaged`,
    );
  }
  return { card, dir, onnxPath, bytes };
}

async function openSession(
  files: ModelFiles<unknown>,
  candidates: ExecutionProvider[],
  settings: SessionSettings,
): Promise<{ session: InferenceSession; provider: ExecutionProvider }> {
  try {
    return await createSession(files.bytes, candidates, settings);
  } catch (error) {
    let modelError = error;
    if (!candidates.includes('cpu')) {
      // A GPU-only attempt failed: the GPU cannot be used, or the model cannot be loaded at all.
      modelError = await createSession(files.bytes, ['cpu'], settings).then(
        async ({ session }) => void (await session.release()),
        (cpuError: unknown) => cpuError,
      );
      if (modelError === undefined) {
        throw new Error(`${files.onnxPath}: no session on ${candidates.join(' or ')}: ${messageOf(error)}`);
      }
    }
    throw new ModelLoadError(
      files.onnxPath,
      'not-onnx',
      `not an ONNX model onnxruntime can load: ${messageOf(modelError)}`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Loads `dir/unet` and `dir/resnet`. Throws ModelLoadError naming the file and what is wrong with it; with
 * device 'cuda', an ordinary Error when no GPU session can be made.
 */
export async function loadModels(dir: string, options: LoadModelsOptions = {}): Promise<LoadedModels> {
  const unetFiles = await readModelFiles(path.join(dir, 'unet'), unetCardSchema);
  const resnetFiles = await readModelFiles(path.join(dir, 'resnet'), resnetCardSchema);
  const tensorrt = options.tensorrt ?? process.env.SAP_TENSORRT === '1';
  const candidates = providerCandidates(options.device ?? 'auto', tensorrt);
  const unet = await openSession(unetFiles, candidates, options);
  const opened = [unet.session];
  try {
    checkUnetSession(unetFiles.onnxPath, unetFiles.card, unet.session);
    // The U-Net found the provider that works here; the ResNet uses the same one.
    const resnet = await openSession(resnetFiles, [unet.provider], options);
    opened.push(resnet.session);
    checkResnetSession(resnetFiles.onnxPath, resnetFiles.card, resnet.session);
    return {
      unet: { card: unetFiles.card, session: unet.session, dir: unetFiles.dir },
      resnet: { card: resnetFiles.card, session: resnet.session, dir: resnetFiles.dir },
      executionProvider: unet.provider,
    };
  } catch (error) {
    await Promise.all(opened.map((session) => session.release()));
    throw error;
  }
}
