import type { NormalisedClinical } from '../ingest/clinical';
import { above, assemble, atLeast, criterion, inputOf, missingItem, slot } from './rules';
import type { AtlantaResult, AtlantaSeverity, PersistentBoundary, ScoreItem } from './types';

/**
 * Revised Atlanta classification 2012 (Banks et al., Gut 2013; scores.md section 8) from the `outcome`
 * section: the label, never a model input. A class, not a sum: each item scores the class it implies
 * (0 mild, 1 moderately severe, 2 severe) and the worst item decides.
 * - organ failure: persistent (> 48 h) 2, transient 1, none 0. `outcome.organFailureHours`, where sent,
 *   decides against the 48 h boundary (`> 48 h` by default, `≥ 48 h` as an option: scores.md leaves it
 *   open); otherwise `outcome.organFailure` as the hospital classed it.
 * - local complications 1, systemic complications 1.
 */
export const ATLANTA_CLASSES: readonly AtlantaSeverity[] = ['mild', 'moderately-severe', 'severe'];
export const PERSISTENT_AFTER_HOURS = 48;
const ORGAN_FAILURE_POINTS = { none: 0, transient: 1, persistent: 2 } as const;

function organFailure(clinical: NormalisedClinical, persistentWhen: PersistentBoundary): ScoreItem {
  const hours = slot(clinical, 'outcome', 'organFailureHours');
  const category = slot(clinical, 'outcome', 'organFailure');
  const item = 'organ failure';
  const rule = `persistent (${persistentWhen}) 2, transient 1, none 0`;
  if (hours.value !== undefined) {
    const persistent =
      persistentWhen === '> 48 h'
        ? above(hours.value, PERSISTENT_AFTER_HOURS)
        : atLeast(hours.value, PERSISTENT_AFTER_HOURS);
    const points = persistent ? 2 : hours.value > 0 ? 1 : 0;
    return { item, points, input: inputOf(hours), rule };
  }
  if (category.value === undefined) return missingItem(item, [hours.field, category.field], rule, 2);
  return { item, points: ORGAN_FAILURE_POINTS[category.value], input: inputOf(category), rule };
}

/** Whether the record has any outcome data to classify (or a class the hospital assigned). */
export function hasOutcome(clinical: NormalisedClinical): boolean {
  const {
    organFailure: of,
    organFailureHours,
    localComplications,
    systemicComplications,
    atlantaSeverity,
  } = clinical.outcome ?? {};
  return [of, organFailureHours, localComplications, systemicComplications, atlantaSeverity].some(
    (value) => value !== undefined,
  );
}

export function revisedAtlanta(
  clinical: NormalisedClinical,
  persistentWhen: PersistentBoundary = '> 48 h',
): AtlantaResult {
  const present = (flag: boolean) => flag;
  const items = [
    organFailure(clinical, persistentWhen),
    criterion('local complications', slot(clinical, 'outcome', 'localComplications'), present, 'present: 1'),
    criterion(
      'systemic complications',
      slot(clinical, 'outcome', 'systemicComplications'),
      present,
      'present: 1',
    ),
  ];
  const result = assemble('revised Atlanta', items, { max: 2, combine: 'max' });
  const severity = result.value === result.upperBound ? ATLANTA_CLASSES[result.value] : undefined;
  const assigned = clinical.outcome?.atlantaSeverity;
  const interpretation =
    severity ??
    `undetermined: ${ATLANTA_CLASSES[result.value]} to ${ATLANTA_CLASSES[result.upperBound]} with the missing inputs`;
  return {
    ...result,
    interpretation,
    cutOff: {
      rule: 'severe: persistent organ failure',
      met: result.value === 2 ? true : result.upperBound < 2 ? false : undefined,
    },
    severity,
    ...(assigned !== undefined && { assigned }),
    persistentWhen,
  };
}
