import { readFile } from 'node:fs/promises';
import { readMaskNifti } from '../core/imaging/mask';
import { readNiftiHuVolume } from '../core/imaging/nifti';
import { reorientToCanonical, toCanonicalOrientation } from '../core/imaging/orientation';
import { InputRejected, describeIssue } from '../core/input/issues';
import { StepError } from '../core/pipeline/step-error';
import { extractRadiomics } from '../core/radiomics/extract';
import { DEFAULT_PROFILE, PROFILE_NAMES, profileSettings } from '../core/radiomics/profiles';
import { radiomicsSettingsSchema, type RadiomicsSettings } from '../core/radiomics/settings';
import { EXIT, reportError, type CommandContext, usageError } from './io';

export interface RadiomicsInput {
  image: string;
  mask: string;
  profile?: string;
  settings?: string;
}

/** `sap radiomics`: the Radiomics step on NIfTI files (any orientation; both are brought to RAS first). */
export async function radiomicsCommand(values: RadiomicsInput, ctx: CommandContext): Promise<number> {
  if (values.profile !== undefined && !PROFILE_NAMES.includes(values.profile))
    return usageError(
      ctx,
      `unknown radiomics profile "${values.profile}": one of ${PROFILE_NAMES.join(', ')}`,
    );
  try {
    const settings = await loadSettings(values.profile, values.settings);
    const image = toCanonicalOrientation(
      readNiftiHuVolume(await readFile(values.image), values.image).volume,
    );
    const mask = reorientToCanonical(readMaskNifti(await readFile(values.mask), values.mask));
    const result = extractRadiomics(image, mask, settings);
    ctx.io.out(
      ctx.json ? JSON.stringify(result, null, 2) : formatFeatures(result.features, result.undefinedFeatures),
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof InputRejected || error instanceof StepError) {
      const message =
        error instanceof InputRejected ? error.issues.map(describeIssue).join('\n') : error.message;
      reportError(ctx, error.name, message);
      return EXIT.rejected;
    }
    throw error;
  }
}

async function loadSettings(
  profile: string | undefined,
  file: string | undefined,
): Promise<RadiomicsSettings> {
  if (!file) return profileSettings(profile ?? DEFAULT_PROFILE);
  const parsed = radiomicsSettingsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new StepError('SETTINGS_INVALID', `${file}: ${parsed.error.message}`);
  return parsed.data;
}

function formatFeatures(features: Record<string, number>, undefinedFeatures: string[]): string {
  const width = Math.max(...Object.keys(features).map((k) => k.length));
  const lines = Object.entries(features).map(
    ([tag, value]) => `${tag.padEnd(width)}  ${Number(value.toPrecision(6))}`,
  );
  if (undefinedFeatures.length > 0) lines.push(`undefined for this region: ${undefinedFeatures.join(', ')}`);
  return lines.join('\n');
}
