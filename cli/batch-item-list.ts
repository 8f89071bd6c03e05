import { csvText } from '../core/batch/csv';
import { ITEM_LIST_CSV_HEADER } from '../core/pipeline/batch-execution';
import { isStudyId } from '../core/study/study-id';
import { parseCsv } from '../local/evaluate/cohort';

/** The studies of a batch, and what was wrong with the list they came from. */
export interface ItemList {
  studyIds: string[];
  /** Rows that name no valid study id: the list is refused with them. */
  problems: string[];
  /** Study ids listed more than once: run once. */
  duplicates: string[];
}

/**
 * The study ids of a manifest list: a CSV with a `studyId` column (other columns are ignored; values hold
 * no commas, as study ids cannot).
 */
export function itemListFromCsv(text: string): ItemList {
  const header =
    text
      .trim()
      .split(/\r?\n/, 1)[0]
      ?.split(',')
      .map((c) => c.trim()) ?? [];
  if (!header.includes(ITEM_LIST_CSV_HEADER))
    return {
      studyIds: [],
      problems: [`the first row must be a header with a ${ITEM_LIST_CSV_HEADER} column`],
      duplicates: [],
    };
  const ids = parseCsv(text).map((row) => row[ITEM_LIST_CSV_HEADER] ?? '');
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
