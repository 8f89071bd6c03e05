import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { loadFusionModel } from '../core/fusion/load-model';
import { modelCardSchema } from '../core/fusion/model-card';
import { predict, predictContribs, rowFromRecord } from '../core/xgboost';
import { EXIT, type CommandContext, usageError } from './io';
import { modelCardFile, type ModelCardOption } from './model-card-option';

export interface PredictInput extends ModelCardOption {
  features: string;
}

/**
 * `sap predict`: the fusion model on feature vectors given by name (a JSON object, an array of them, or a
 * CSV with a header row); absent or empty values are missing. Prints the probability and the SHAP values.
 */
export async function predictCommand(input: PredictInput, ctx: CommandContext): Promise<number> {
  const cardFile = modelCardFile(input);
  if (!cardFile) return usageError(ctx, '--model-card is required');
  const cardJson = JSON.parse(await readFile(cardFile, 'utf8')) as unknown;
  const file = modelCardSchema.parse(cardJson).file;
  const { card, model } = loadFusionModel(cardJson, await readFile(path.join(path.dirname(cardFile), file)));
  const records = parseRecords(await readFile(input.features, 'utf8'), input.features);
  const results = records.map((record) => {
    const row = rowFromRecord(model, record);
    const [probability] = predict(model, row) as [number];
    const contribs = predictContribs(model, row)[0]!;
    const shap = Object.fromEntries(model.featureNames.map((name, n) => [name, contribs[n]!]));
    return { probability, shap, bias: contribs[contribs.length - 1]! };
  });
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify(
        { model: { name: card.name, version: card.version, sha256: card.sha256 }, results },
        null,
        2,
      ),
    );
  } else {
    results.forEach((r, n) => ctx.io.out(`row ${n + 1}: P(SAP) = ${r.probability.toFixed(4)}`));
  }
  return EXIT.ok;
}

function parseRecords(text: string, file: string): Record<string, number | null>[] {
  if (file.toLowerCase().endsWith('.csv')) {
    const [header, ...lines] = text
      .trim()
      .split(/\r?\n/)
      .map((line) => line.split(','));
    return lines.map((cells) =>
      Object.fromEntries(header!.map((name, n) => [name.trim(), toNumber(cells[n])])),
    );
  }
  const json = JSON.parse(text) as Record<string, number | null> | Record<string, number | null>[];
  return Array.isArray(json) ? json : [json];
}

const toNumber = (cell: string | undefined) =>
  cell === undefined || cell.trim() === '' ? null : Number(cell);
