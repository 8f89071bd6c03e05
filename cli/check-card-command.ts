import { readFile } from 'node:fs/promises';
import { CARD_RADIOMICS_PROFILE } from '../core/fusion/card-paths';
import { ModelCardInvalid, readFeatureList, readModelCard } from '../core/fusion/model-card';
import { EXIT, type CommandContext, usageError } from './io';

/**
 * `sap check-card <file>`: a fusion model card, or a bare `features` list (features.json, which
 * train-fusion-model.py reads), checked as Fuse, predict, evaluate and features check it: every path must
 * name something the pipeline produces. Exit 0 with the feature count, or 1 with every problem.
 */
export async function checkCardCommand({ file }: { file: string }, ctx: CommandContext): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return usageError(ctx, `cannot read ${file}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return report(ctx, file, [`not valid JSON: ${(error as Error).message}`]);
  }
  const kind = Array.isArray(json) ? 'features' : 'card';
  try {
    const features = kind === 'features' ? readFeatureList(json, file) : readModelCard(json, file).features;
    const summary = {
      file,
      ok: true,
      kind,
      features: features.length,
      radiomicsProfile: CARD_RADIOMICS_PROFILE,
    };
    ctx.io.out(
      ctx.json
        ? JSON.stringify(summary, null, 2)
        : `ok: ${file}, ${features.length} feature(s); every path names an input the pipeline produces ` +
            `(radiomics tags of the "${CARD_RADIOMICS_PROFILE}" profile)`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ModelCardInvalid)) throw error;
    return report(ctx, file, error.problems);
  }
}

function report(ctx: CommandContext, file: string, problems: readonly string[]): number {
  ctx.io.out(
    ctx.json
      ? JSON.stringify({ file, ok: false, problems }, null, 2)
      : [`${file}: ${problems.length} problem(s)`, ...problems.map((p) => `  - ${p}`)].join('\n'),
  );
  return EXIT.rejected;
}
