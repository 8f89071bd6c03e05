import { readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import { toCanonicalOrientation } from '../../core/imaging/orientation';
import type { Volume } from '../../core/imaging/volume';
import { InferenceInputError, ModelLoadError } from '../../core/inference/errors';
import type { Device } from '../../core/inference/execution-provider';
import { loadModels } from '../../core/inference/models';
import { runInference } from '../../core/inference/pipeline';
import type { InferenceResult } from '../../core/inference/result';
import { folderSource } from '../../core/ingest/folder-source';
import { InputRejected, describeIssue } from '../../core/ingest/issues';
import { readStudyImage } from '../../core/ingest/read-image';
import { EXIT, reportError, type CommandContext } from './io';

/** The bundled demo models, wherever the command is run from. */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../../models/demo', import.meta.url));
const DEFAULT_MASK_FILE = 'mask.nii.gz';
const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda'];

const USAGE =
  'usage: sap infer --image F [--models DIR] [--out mask.nii.gz] [--threads N] [--device auto|cpu|cuda] [--json]\n' +
  '  F: a NIfTI file, a zip of a DICOM series, or a folder of one DICOM series. The mask is written on the\n' +
  "  image's grid brought to RAS (as the pipeline stores volumes); models default to the bundled models/demo.";

interface InferArgs {
  image: string;
  models: string;
  out: string;
  threads?: number;
  device: Device;
}

function parseInferArgs(args: string[]): InferArgs | string {
  let values: { image?: string; models?: string; out?: string; threads?: string; device?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        image: { type: 'string' },
        models: { type: 'string' },
        out: { type: 'string' },
        threads: { type: 'string' },
        device: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (!values.image) return '--image is required';
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    return `--threads must be a whole number of at least 1 (got ${values.threads})`;
  }
  const device = (values.device ?? 'auto') as Device;
  if (!DEVICES.includes(device))
    return `--device must be one of ${DEVICES.join(', ')} (got ${values.device})`;
  return {
    image: values.image,
    models: values.models ?? DEFAULT_MODELS_DIR,
    out: values.out ?? DEFAULT_MASK_FILE,
    device,
    ...(threads !== undefined ? { threads } : {}),
  };
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
export async function inferCommand(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseInferArgs(args);
  if (typeof parsed === 'string') {
    reportError(ctx, 'USAGE', `${parsed}\n${USAGE}`);
    return EXIT.usage;
  }
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
      reportError(ctx, 'USAGE', `${parsed.image}: no such file or folder`);
      return EXIT.usage;
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
