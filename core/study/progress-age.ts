import { FINAL_STATUSES, STUDY_STATUSES, type StudyStatus } from './status';

/** Statuses in which a study is still being worked on. */
export const IN_PROGRESS_STATUSES: StudyStatus[] = STUDY_STATUSES.filter((s) => !FINAL_STATUSES.includes(s));

/**
 * Seconds since the least recently advanced in-progress study last changed status; 0 when none is in
 * progress. A study stuck in one stage shows up here long before anyone polls for it.
 */
export function oldestProgressAgeSeconds(lastChanges: readonly string[], now: Date): number {
  const times = lastChanges.map((iso) => Date.parse(iso)).filter((t) => Number.isFinite(t));
  if (times.length === 0) return 0;
  return Math.max(0, Math.round((now.getTime() - Math.min(...times)) / 1000));
}
