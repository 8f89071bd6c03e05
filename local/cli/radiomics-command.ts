import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readMaskNifti } from '../../core/imaging/mask';
import { readNiftiHuVolume } from '../../core/imaging/nifti';
import { reorientToCanonical, toCanonicalOrientation } from '../../core/imaging/orientation';
import { InputRejected, describeIssue } from '../../core/ingest/issues';
import { StepError } from '../../core/pipeline/step-error';
import { extractRadiomics } from '../../core/radiomics/extract';
import { DEFAULT_PROFILE, PROFILE_NAMES, profileSettings } from '../../core/radiomics/profiles';
import { radiomicsSettingsSchema, type RadiomicsSettings } from '../../core/radiomics/settings';
import { EXIT, reportError, type CommandContext } from './io';

const USAGE = `usage: sap radiomics --image F --mask F [--profile ${PROFILE_NAMES.join('|')} | --settings F.json] [--json]`;

/** `sap radiomics`: the Radiomics step on NIfTI files (any orientation; both are brought to RAS first). */
export async function radiomicsCommand(args: string[], ctx: CommandContext): Promise<number> {
  let values: { image?: string; mask?: string; profile?: string; settings?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        image: { type: 'string' },
        mask: { type: 'string' },
        profile: { type: 'string' },
        settings: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    reportError(ctx, 'USAGE', `${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (!values.image || !values.mask || (values.profile && values.settings)) {
    reportError(ctx, 'USAGE', USAGE);
    return EXIT.usage;
  }
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
