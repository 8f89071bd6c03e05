import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { assembleFeatures } from '../../core/fusion/feature-vector';
import { modelCardSchema } from '../../core/fusion/model-card';
import { readMaskNifti } from '../../core/imaging/mask';
import { reorientToCanonical } from '../../core/imaging/orientation';
import { folderSource } from '../../core/ingest/folder-source';
import { describeIssue } from '../../core/ingest/issues';
import { validateStudy } from '../../core/ingest/validate-study';
import { extractRadiomics } from '../../core/radiomics/extract';
import { DEFAULT_PROFILE, profileSettings } from '../../core/radiomics/profiles';
import { EXIT, reportError, type CommandContext } from './io';

const USAGE = 'usage: sap features <study-folder> --model model-card.json --mask pancreas.nii.gz [--json]';

/**
 * `sap features`: the exact vector the Fuse step would give the model for a study folder — validation,
 * canonical volume, pancreas-profile radiomics in the mask, the card's mapping — so training tables are
 * built with the production code. The mask is given until the U-Net (issue #5) segments the study itself;
 * model inputs from inference are missing until then.
 */
export async function featuresCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { model: { type: 'string' }, mask: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [folder] = positionals;
  if (!folder || positionals.length > 1 || !values.model || !values.mask) {
    reportError(ctx, 'USAGE', USAGE);
    return EXIT.usage;
  }
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) {
    reportError(ctx, 'USAGE', `${folder} is not a study folder\n${USAGE}`);
    return EXIT.usage;
  }
  const card = modelCardSchema.parse(JSON.parse(await readFile(values.model, 'utf8')));
  const { report, volume, clinical } = await validateStudy(folderSource(folder));
  if (!report.ok || !volume || !clinical) {
    reportError(ctx, 'INPUT_REJECTED', report.errors.map(describeIssue).join('\n'));
    return EXIT.rejected;
  }
  const mask = reorientToCanonical(readMaskNifti(await readFile(values.mask), values.mask));
  const radiomics = extractRadiomics(volume, mask, profileSettings(DEFAULT_PROFILE));
  const vector = assembleFeatures(card, { clinical, radiomics: radiomics.features, inference: {} });
  const row = Object.fromEntries(
    vector.names.map((name, n) => [name, Number.isNaN(vector.values[n]!) ? null : vector.values[n]!]),
  );
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify(
        { model: { name: card.name, version: card.version }, features: row, missing: vector.missing },
        null,
        2,
      ),
    );
  } else {
    ctx.io.out(vector.names.join(','));
    ctx.io.out(vector.names.map((name) => row[name] ?? '').join(','));
  }
  return EXIT.ok;
}
