import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CsvError, readCsvTable } from '../core/batch/csv';
import { loadFusionModel } from '../core/fusion/load-model';
import { readModelCard } from '../core/fusion/model-card';
import { predict, predictContribs, rowFromRecord } from '../core/xgboost';
import { modelInputs, requireModelColumns, TableInputError } from '../local/evaluate/table-input';
import { EXIT, reportError, type CommandContext, usageError } from './io';
import { modelCardFile, type ModelCardOption } from './model-card-option';

export interface PredictInput extends ModelCardOption {
  features: string;
}

/** One row to score: the model's inputs, and (from a CSV) its other columns, passed through as read. */
interface PredictRow {
  inputs: Record<string, number | null>;
  passedThrough?: Record<string, string | null>;
}

/**
 * `sap predict`: the fusion model on feature vectors given by name (a JSON object, an array of them, or a
 * CSV with a header row such as a batch's features.csv). A CSV must have a column for every input of the
 * card (an empty or NA cell is missing); its other columns (studyId, ...) are passed through to the output.
 * In JSON an absent key is missing. Prints the probability and the SHAP values.
 */
export async function predictCommand(input: PredictInput, ctx: CommandContext): Promise<number> {
  const cardFile = modelCardFile(input);
  if (!cardFile) return usageError(ctx, '--model-card is required');
  const cardJson = JSON.parse(await readFile(cardFile, 'utf8')) as unknown;
  const file = readModelCard(cardJson, cardFile).file;
  const { card, model } = loadFusionModel(cardJson, await readFile(path.join(path.dirname(cardFile), file)));
  const text = await readFile(input.features, 'utf8');
  let rows: PredictRow[];
  try {
    rows = input.features.toLowerCase().endsWith('.csv')
      ? csvRows(text, input.features, model.featureNames, cardFile)
      : jsonRows(text);
  } catch (error) {
    if (!(error instanceof CsvError || error instanceof TableInputError)) throw error;
    reportError(ctx, error.name, error.message);
    return EXIT.rejected;
  }
  const results = rows.map(({ inputs, passedThrough }) => {
    const row = rowFromRecord(model, inputs);
    const [probability] = predict(model, row) as [number];
    const contribs = predictContribs(model, row)[0]!;
    const shap = Object.fromEntries(model.featureNames.map((name, n) => [name, contribs[n]!]));
    return {
      ...(passedThrough ? { passedThrough } : {}),
      probability,
      shap,
      bias: contribs[contribs.length - 1]!,
    };
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
    results.forEach((r, n) =>
      ctx.io.out(`${r.passedThrough?.studyId ?? `row ${n + 1}`}: P(SAP) = ${r.probability.toFixed(4)}`),
    );
  }
  return EXIT.ok;
}

function csvRows(text: string, file: string, inputs: readonly string[], cardFile: string): PredictRow[] {
  const table = readCsvTable(text, file);
  requireModelColumns(table, inputs, file, cardFile);
  const others = table.columns.filter((column) => !inputs.includes(column));
  return table.rows.map((row, index) => ({
    inputs: modelInputs(row, inputs, file, index),
    passedThrough: Object.fromEntries(others.map((column) => [column, row[column] ?? null])),
  }));
}

function jsonRows(text: string): PredictRow[] {
  const json = JSON.parse(text) as Record<string, number | null> | Record<string, number | null>[];
  return (Array.isArray(json) ? json : [json]).map((inputs) => ({ inputs }));
}
