import type { ClassicScores, ScoreResult } from '../scores/types';
import type { Observation, Reference } from './types';
import { quantity } from './ucum';

/**
 * A contained Observation for one classic score, id `score-{key}`. No standard code system carries these
 * scores as we compute them (LOINC has no BISAP, Ranson, Glasgow-Imrie, CTSI, MCTSI or modified Marshall
 * total, and we do not claim one for APACHE II or SIRS): code.text only. A partial score (missing inputs)
 * is a valueRange from the points counted to the most the missing items could add, with a note; never a
 * single number.
 */
export function scoreObservation(
  key: keyof ClassicScores,
  score: ScoreResult,
  derivedFrom: Reference[],
): Observation {
  return {
    resourceType: 'Observation',
    id: `score-${key}`,
    status: 'final',
    code: { text: `${score.name} score${score.max === undefined ? '' : ` (0-${score.max} points)`}` },
    ...(score.partial
      ? {
          valueRange: { low: quantity(score.value, 'points'), high: quantity(score.upperBound, 'points') },
          note: [{ text: partialNote(score) }],
        }
      : Number.isInteger(score.value)
        ? { valueInteger: score.value }
        : { valueQuantity: quantity(score.value, 'points') }),
    ...(score.interpretation ? { interpretation: [{ text: score.interpretation }] } : {}),
    ...(derivedFrom.length > 0 ? { derivedFrom } : {}),
  };
}

function partialNote(score: ScoreResult): string {
  const items = score.missingItems.join(', ');
  const fields = score.missing.length > 0 ? ` (missing ${score.missing.join(', ')})` : '';
  return `Partial: ${items} could not be scored${fields}; the score lies between ${score.value} and ${score.upperBound} points.`;
}
