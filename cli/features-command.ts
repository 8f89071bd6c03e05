import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { CsvError, csvField, readCsvTable } from '../core/batch/csv';
import { assembleFeatures, type FeatureVector } from '../core/fusion/feature-vector';
import { readModelCard, type ModelCard } from '../core/fusion/model-card';
import { readMaskNifti } from '../core/imaging/mask';
import { reorientToCanonical } from '../core/imaging/orientation';
import { folderSource } from '../core/ingest/folder-source';
import { describeIssue } from '../core/input/issues';
import { validateStudy } from '../core/ingest/validate-study';
import { extractRadiomics } from '../core/radiomics/extract';
import { DEFAULT_PROFILE, profileSettings } from '../core/radiomics/profiles';
import { EXIT, reportError, type CommandContext, usageError } from './io';
import { modelCardFile, type ModelCardOption } from './model-card-option';

export interface FeaturesInput extends ModelCardOption {
  folder: string;
  mask?: string;
  masks?: string;
  out?: string;
}

/**
 * `sap features`: the exact vector the Fuse step would give the model — validation, canonical volume,
 * pancreas-profile radiomics in the mask, the card's mapping — so training tables are built with the
 * production code. For a folder of studies it appends one CSV row per study to --out, skipping studies
 * already there (a stopped run resumes). It takes masks you already have and runs no network, so inputs the
 * card reads from inference (`dl_probability`) come out missing; `sap batch run --mode features` runs the
 * whole path (U-Net, ResNet50, radiomics on the U-Net mask).
 */
export async function featuresCommand(input: FeaturesInput, ctx: CommandContext): Promise<number> {
  const { folder } = input;
  const cardFile = modelCardFile(input);
  const single = input.mask !== undefined;
  const batch = input.masks !== undefined && input.out !== undefined;
  if (!cardFile) return usageError(ctx, '--model-card is required');
  if (single === batch)
    return usageError(ctx, 'give --mask for one study, or --masks and --out for a folder of studies');
  if (!(await stat(folder).catch(() => undefined))?.isDirectory())
    return usageError(ctx, `${folder} is not a folder`);
  const card = readModelCard(JSON.parse(await readFile(cardFile, 'utf8')), cardFile);
  if (single) {
    const result = await studyFeatures(folder, input.mask!, card);
    if (typeof result === 'string') {
      reportError(ctx, 'INPUT_REJECTED', result);
      return EXIT.rejected;
    }
    const row = asRecord(result);
    if (ctx.json)
      ctx.io.out(
        JSON.stringify(
          { model: { name: card.name, version: card.version }, features: row, missing: result.missing },
          null,
          2,
        ),
      );
    else ctx.io.out(`${result.names.join(',')}\n${result.names.map((name) => row[name] ?? '').join(',')}`);
    return EXIT.ok;
  }
  return batchFeatures(folder, input.masks!, input.out!, card, ctx);
}

/** The study's feature vector, or why it was rejected. */
async function studyFeatures(
  folder: string,
  maskFile: string,
  card: ModelCard,
): Promise<FeatureVector | string> {
  const { report, volume, clinical } = await validateStudy(folderSource(folder));
  if (!report.ok || !volume || !clinical) return report.errors.map(describeIssue).join('\n');
  const mask = reorientToCanonical(readMaskNifti(await readFile(maskFile), maskFile));
  const radiomics = extractRadiomics(volume, mask, profileSettings(DEFAULT_PROFILE));
  return assembleFeatures(card, { clinical, radiomics: radiomics.features, inference: {} });
}

async function batchFeatures(
  root: string,
  masks: string,
  out: string,
  card: ModelCard,
  ctx: CommandContext,
): Promise<number> {
  const names = card.features.map((f) => f.name);
  const header = ['studyId', ...names];
  const done = new Set<string>();
  if (existsSync(out)) {
    // Resuming: the table must be this card's, or the rows appended would sit under other columns.
    let table;
    try {
      table = readCsvTable(await readFile(out, 'utf8'), out);
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      reportError(ctx, error.name, `${error.message}; cannot append to it`);
      return EXIT.rejected;
    }
    if (table.columns.join(',') !== header.join(','))
      return usageError(
        ctx,
        `${out} has the columns ${table.columns.join(', ')}, not this card's (${header.join(', ')}): ` +
          'give another --out, or the card the table was made with',
      );
    for (const row of table.rows) if (row.studyId) done.add(row.studyId);
  } else {
    await appendFile(out, csvLine(header));
  }
  const studies = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  let written = 0;
  let rejected = 0;
  for (const [n, studyId] of studies.entries()) {
    if (done.has(studyId)) continue;
    const result = await studyFeatures(path.join(root, studyId), path.join(masks, `${studyId}.nii.gz`), card);
    if (typeof result === 'string') {
      rejected++;
      ctx.io.err(`${studyId}: rejected\n${result}`);
    } else {
      const row = asRecord(result);
      await appendFile(out, csvLine([studyId, ...names.map((name) => String(row[name] ?? ''))]));
      written++;
    }
    ctx.io.err(`[${n + 1}/${studies.length}] ${studyId}`);
  }
  ctx.io.out(`${written} studies written, ${done.size} already in ${out}, ${rejected} rejected`);
  return rejected > 0 ? EXIT.rejected : EXIT.ok;
}

const asRecord = (vector: FeatureVector): Record<string, number | null> =>
  Object.fromEntries(
    vector.names.map((name, n) => [name, Number.isNaN(vector.values[n]!) ? null : vector.values[n]!]),
  );

/** One row, LF-ended as tables written by earlier versions are, so a resumed table keeps one line ending. */
const csvLine = (fields: readonly string[]) => fields.map(csvField).join(',') + '\n';
