/** The life of a study, in order. FAILED can follow any state but COMPLETED. */
export const PROGRESS = [
  'RECEIVED',
  'VALIDATING',
  'INFERRING',
  'EXTRACTING',
  'SCORING',
  'COMPLETED',
] as const;
export type ProgressStatus = (typeof PROGRESS)[number];
export type StudyStatus = ProgressStatus | 'FAILED';
export const STUDY_STATUSES: readonly StudyStatus[] = [...PROGRESS, 'FAILED'];

export const FINAL_STATUSES: readonly StudyStatus[] = ['COMPLETED', 'FAILED'];

/**
 * The statuses a study may be in for it to move to `next`: never backwards, and never out of a final
 * state. Staying in the same status is allowed so that a retried step is idempotent.
 */
export function statusesBefore(next: StudyStatus): StudyStatus[] {
  if (next === 'FAILED') return [...PROGRESS.filter((s) => s !== 'COMPLETED'), 'FAILED'];
  const index = PROGRESS.indexOf(next);
  return PROGRESS.slice(0, index + 1).filter((s) => s !== 'COMPLETED' || next === 'COMPLETED');
}

export function canMove(from: StudyStatus | undefined, to: StudyStatus): boolean {
  return from === undefined ? to === 'RECEIVED' : statusesBefore(to).includes(from);
}
