import type { Sample } from './evaluate';

/**
 * Fewer events than this and an AUC's interval and every test are unreliable. Ten is a floor, not a target:
 * a validation cohort should have at least 100 events (Collins, Ogundimu & Altman, Stat Med 2016;35:214-26).
 */
export const MIN_EVENTS = 10;

/** The cohort's own warnings: too few patients with SAP, or too few without. */
export function cohortWarnings(patients: number, events: number): string[] {
  const warnings: string[] = [];
  const few = (count: number, what: string) =>
    `Only ${count} of ${patients} patients ${what} (fewer than ${MIN_EVENTS}): every AUC, interval and test ` +
    'below is unstable and may change completely with a few more patients; at least 100 events are ' +
    'recommended for a validation.';
  if (events < MIN_EVENTS) warnings.push(few(events, 'had SAP'));
  if (patients - events < MIN_EVENTS) warnings.push(few(patients - events, 'did not have SAP'));
  return warnings;
}

/**
 * A score complete for fewer than half the patients, or (in a cohort that has enough) for fewer than
 * MIN_EVENTS patients of either outcome: its AUC and its comparison describe those patients only.
 */
export function systemWarning(
  name: string,
  patients: number,
  events: number,
  complete: Sample,
): string | undefined {
  const fewPatients = complete.patients < patients / 2;
  const fewEvents = complete.events < MIN_EVENTS && events >= MIN_EVENTS;
  const nonEvents = complete.patients - complete.events;
  const fewNonEvents = nonEvents < MIN_EVENTS && patients - events >= MIN_EVENTS;
  if (!fewPatients && !fewEvents && !fewNonEvents) return undefined;
  return (
    `${name} is complete for ${complete.patients} of ${patients} patients (${complete.events} with SAP): ` +
    'its AUC and its comparison with the model describe those patients only, who may differ from the rest.'
  );
}
