import { parquetWriteBuffer } from 'hyparquet-writer';
import type { TrainingTable } from './training-table';

/** Columns that hold text; every other column of the table is a model input or the probability. */
const TEXT_COLUMNS = new Set(['studyId', 'manifestVersion', 'riskLevel']);

/**
 * The training table as an Apache Parquet file (hyparquet-writer, pure JS): ids and the risk level as UTF-8
 * strings, model inputs and the probability as doubles (the exact values Fuse used), missing as null.
 */
export function trainingTableParquet(table: TrainingTable): Uint8Array {
  const columnData = table.columns.map((name, n) => {
    const text = TEXT_COLUMNS.has(name);
    const data = table.rows.map((row) => {
      const cell = row[n] ?? null;
      if (cell !== null && typeof cell !== (text ? 'string' : 'number'))
        throw new Error(
          `training table column ${name} holds ${typeof cell}, not ${text ? 'text' : 'a number'}`,
        );
      return cell;
    });
    return { name, data, type: text ? ('STRING' as const) : ('DOUBLE' as const) };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}
