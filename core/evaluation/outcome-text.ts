/**
 * A binary outcome as written in a cohort table. The spellings that tools and people write for a 0/1 or
 * yes/no column are accepted (pandas writes an integer column with a missing value as `1.0`/`0.0` and
 * booleans as `True`/`False`; R writes `TRUE`/`FALSE`); anything else, an empty cell included, is refused
 * rather than guessed.
 */
export const OUTCOME_SPELLINGS =
  '1, 1.0, true or yes for an event; 0, 0.0, false or no for none (words in any case)';

const EVENT = /^(1(\.0*)?|true|yes)$/i;
const NO_EVENT = /^(0(\.0*)?|false|no)$/i;

/** 1 (event), 0 (no event), or undefined when the text is not one of OUTCOME_SPELLINGS. */
export function parseOutcomeText(text: string | null | undefined): 0 | 1 | undefined {
  const trimmed = text?.trim() ?? '';
  if (EVENT.test(trimmed)) return 1;
  if (NO_EVENT.test(trimmed)) return 0;
  return undefined;
}
