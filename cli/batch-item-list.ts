import { CsvError, csvText, readCsvTable } from '../core/batch/csv';
import { ITEM_LIST_CSV_HEADER } from '../core/pipeline/batch-execution';
import { isStudyId } from '../core/study/study-id';

/** The studies of a batch, and what was wrong with the list they came from. */
export interface ItemList {
  studyIds: string[];
  /** Rows that name no valid study id: the list is refused with them. */
  problems: string[];
  /** Study ids listed more than once: run once. */
  duplicates: string[];
}

/**
 * The study ids of a manifest list: a CSV with a `studyId` column, as spreadsheets and R write it (quoted
 * cells, BOM, CRLF); other columns are ignored.
 */
export function itemListFromCsv(text: string, file = 'the manifest list'): ItemList {
  const refused = (problem: string): ItemList => ({ studyIds: [], problems: [problem], duplicates: [] });
  let table;
  try {
    table = readCsvTable(text, file);
  } catch (error) {
    if (error instanceof CsvError) return refused(error.message);
    throw error;
  }
  if (!table.columns.includes(ITEM_LIST_CSV_HEADER))
    return refused(`the first row must be a header with a ${ITEM_LIST_CSV_HEADER} column`);
  const ids = table.rows.map((row) => row[ITEM_LIST_CSV_HEADER] ?? '');
  const problems = ids.flatMap((id, n) =>
    isStudyId(id) ? [] : [`row ${n + 2}: ${JSON.stringify(id)} is not a study id ([A-Za-z0-9_-]{1,64})`],
  );
  return { ...unique(ids.filter(isStudyId)), problems };
}

/** Study ids once each, in first-seen order, and those listed again. */
export function unique(ids: readonly string[]): { studyIds: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const id of ids) (seen.has(id) ? duplicates : seen).add(id);
  return { studyIds: [...seen], duplicates: [...duplicates] };
}

/** The item list the batch state machine reads: a `studyId` header, one study a row. */
export function itemListCsv(studyIds: readonly string[]): string {
  return csvText([[ITEM_LIST_CSV_HEADER], ...studyIds.map((id) => [id])]);
}
