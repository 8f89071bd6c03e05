import { readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { encodeNiftiGz } from '../core/imaging/nifti';
import { toCanonicalOrientation } from '../core/imaging/orientation';
import type { Volume } from '../core/imaging/volume';
import { InferenceInputError, ModelLoadError } from '../core/inference/errors';
import type { Device } from '../core/inference/execution-provider';
import { loadModels } from '../core/inference/models';
import { runInference } from '../core/inference/pipeline';
import type { InferenceResult } from '../core/inference/result';
import { folderSource } from '../core/ingest/folder-source';
import { InputRejected, describeIssue } from '../core/input/issues';
import { readStudyImage } from '../core/ingest/read-image';
import { REPO_ROOT } from '../local/stack/paths';
import { EXIT, reportError, type CommandContext, usageError } from './io';

/** The bundled demo models, wherever the command is run from. */
export const DEFAULT_MODELS_DIR = path.join(REPO_ROOT, 'models', 'demo');

export interface InferInput {
  image: string;
  models?: string;
  out: string;
  threads?: number;
  device: Device;
}

/** The image as the pipeline's canonical volume: one NIfTI or zip file, or a folder of DICOM files. */
async function readCanonicalVolume(image: string): Promise<Volume> {
  const info = await stat(image);
  if (info.isDirectory()) {
    const source = folderSource(image);
    const listed = await source.list();
    const files = await Promise.all(
      listed.map(async (f) => ({ name: f.path, bytes: await source.read(f.path) })),
    );
    return toCanonicalOrientation((await readStudyImage(files)).volume);
  }
  const loaded = await readStudyImage([{ name: path.basename(image), bytes: await readFile(image) }]);
  return toCanonicalOrientation(loaded.volume);
}

/** `sap infer`: U-Net + ResNet50 on one image, as the Infer step runs them; writes the mask. */
export async function inferCommand(input: InferInput, ctx: CommandContext): Promise<number> {
  const parsed = { ...input, models: input.models ?? DEFAULT_MODELS_DIR };
  try {
    const volume = await readCanonicalVolume(parsed.image);
    const models = await loadModels(parsed.models, { device: parsed.device, threads: parsed.threads });
    const { mask, result } = await runInference(volume, models);
    await writeFile(
      parsed.out,
      encodeNiftiGz(
        { dims: volume.dims, affine: volume.affine, data: mask },
        { description: 'sap-pipeline pancreas mask (U-Net)' },
      ),
    );
    ctx.io.out(ctx.json ? JSON.stringify(result, null, 2) : formatResult(result, parsed.out));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof InputRejected) {
      reportError(ctx, error.name, error.issues.map(describeIssue).join('\n'));
      return EXIT.rejected;
    }
    if (error instanceof InferenceInputError) {
      reportError(ctx, error.code, error.message);
      return EXIT.rejected;
    }
    if (error instanceof ModelLoadError) {
      reportError(
        ctx,
        error.code,
        `${error.message}\n(models from ${parsed.models}; --models DIR picks others)`,
      );
      return EXIT.usage;
    }
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' &&
      (error as NodeJS.ErrnoException).path === parsed.image
    ) {
      return usageError(ctx, `${parsed.image}: no such file or folder`);
    }
    throw error;
  }
}

function formatResult(result: InferenceResult, maskFile: string): string {
  const { unet, resnet } = result.models;
  const timings = Object.entries(result.timingsMs)
    .map(([stage, ms]) => `${stage} ${Math.round(ms)}`)
    .join(', ');
  return [
    `SAP probability (ResNet50): ${result.probability.toFixed(3)}`,
    `pancreas mask: ${result.maskVoxels} voxels, ${result.maskVolumeMl.toFixed(1)} mL → ${maskFile}`,
    `deep features: ${result.features.length} values (--json prints them)`,
    `models: ${unet.name} ${unet.version}, ${resnet.name} ${resnet.version} on ${result.executionProvider}`,
    `timings (ms): ${timings}`,
    ...(result.notice ? [`NOTE: ${result.notice}`] : []),
  ].join('\n');
}
