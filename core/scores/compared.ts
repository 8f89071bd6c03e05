import type { ClassicScores } from './types';

/**
 * The classic scores a fusion model is compared with, by their key in classicScores(): the columns
 * `sap evaluate` reads and the batch's features.csv carries.
 */
export const COMPARED_SCORES = ['bisap', 'ranson', 'mctsi', 'sirs', 'glasgowImrie', 'apacheII'] as const;
export type ComparedScore = (typeof COMPARED_SCORES)[number];

/**
 * Each compared score's value, null where it is not computable: a partial score (an input missing) is only a
 * lower bound, so it counts as missing, as `sap evaluate` counts it.
 */
export function comparedScoreValues(scores: ClassicScores): Record<ComparedScore, number | null> {
  return Object.fromEntries(
    COMPARED_SCORES.map((name) => [name, scores[name].partial ? null : scores[name].value]),
  ) as Record<ComparedScore, number | null>;
}
