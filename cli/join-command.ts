import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CsvError, csvText, readCsvTable } from '../core/batch/csv';
import { stratifiedHoldout } from '../core/batch/holdout';
import { joinOutcomes, OutcomeJoinError, type JoinedTable } from '../core/batch/outcome-join';
import { EXIT, reportError, usageError, type CommandContext } from './io';

export interface JoinInput {
  featuresCsv: string;
  outcomesCsv: string;
  out: string;
  outcome: string;
  id: string;
  holdout?: number;
  seed: number;
}

/** What one written file holds. */
interface WrittenFile {
  file: string;
  rows: number;
  /** Rows with outcome 1. */
  events: number;
}

/**
 * `sap join`: the batch's features.csv with the hospital's outcome column (by study id) → DIR/table.csv,
 * or with --holdout DIR/train.csv and DIR/held-out.csv, split stratified by outcome (core/batch/holdout.ts
 * states the rule). Prints rows and events per file.
 */
export async function joinCommand(
  { featuresCsv: features, outcomesCsv: outcomes, ...input }: JoinInput,
  ctx: CommandContext,
): Promise<number> {
  const read = async (file: string) => readCsvTable(await readFile(file, 'utf8'), file);
  let joined: JoinedTable;
  try {
    joined = joinOutcomes(await read(features), await read(outcomes), {
      id: input.id,
      outcome: input.outcome,
      featuresFile: features,
      outcomesFile: outcomes,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return usageError(ctx, `${(error as NodeJS.ErrnoException).path} does not exist`);
    if (error instanceof OutcomeJoinError) {
      reportError(ctx, error.name, `cannot join:\n${error.problems.map((p) => `  ${p}`).join('\n')}`);
      return EXIT.rejected;
    }
    if (error instanceof CsvError) {
      reportError(ctx, error.name, error.message);
      return EXIT.rejected;
    }
    throw error;
  }

  const idAt = joined.columns.indexOf(input.id);
  const outcomeAt = joined.columns.length - 1;
  const parts =
    input.holdout === undefined
      ? { 'table.csv': joined.rows }
      : (({ train, heldOut }) => ({ 'train.csv': train, 'held-out.csv': heldOut }))(
          stratifiedHoldout(joined.rows, {
            fraction: input.holdout,
            seed: input.seed,
            id: (row) => row[idAt]!,
            outcome: (row) => row[outcomeAt]!,
          }),
        );
  await mkdir(input.out, { recursive: true });
  const written: WrittenFile[] = [];
  for (const [name, rows] of Object.entries(parts)) {
    const file = path.join(input.out, name);
    await writeFile(file, csvText([joined.columns, ...rows.map((row) => row.map((cell) => cell ?? ''))]));
    written.push({ file, rows: rows.length, events: rows.filter((row) => row[outcomeAt] === '1').length });
  }
  const left = joined.outcomesWithoutFeatures;
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify(
        {
          outcome: input.outcome,
          ...(input.holdout !== undefined ? { holdout: input.holdout, seed: input.seed } : {}),
          files: written,
          outcomesWithoutFeatures: left.length,
        },
        null,
        2,
      ),
    );
  } else {
    for (const f of written)
      ctx.io.out(
        `${f.file}: ${f.rows} rows, ${f.events} with ${input.outcome} = 1, ${f.rows - f.events} with 0`,
      );
    if (input.holdout !== undefined)
      ctx.io.out(`held out ${input.holdout} of each outcome class, seed ${input.seed}`);
  }
  if (left.length > 0)
    ctx.io.err(
      `note: ${left.length} ${input.id}(s) of ${outcomes} have no row in ${features} (not completed by the batch?) and were left out`,
    );
  return EXIT.ok;
}
