import type { StudyStatus } from '../study/status';
import type { StudyFailure } from './failure';
import { isRejection } from './failure-kind';
import {
  COMPLETED_METRIC,
  PROBABILITY_METRIC,
  STAGE_DURATION_METRIC,
  STAGE_FAILURE_METRIC,
  STUDIES_REJECTED_METRIC,
  STUDY_DURATION_METRIC,
} from './metric-names';
import { PIPELINE_STEPS } from './steps';

export interface MetricPoint {
  name: string;
  unit: 'Seconds' | 'Count' | 'None';
  value: number;
  dimensions: Record<string, string>;
}

/** The study as it was before a status change: its status and when it entered each one. */
export interface Before {
  status: StudyStatus;
  stages: Partial<Record<StudyStatus, string>>;
}

const stageOf = (status: StudyStatus): string =>
  status === 'RECEIVED' ? 'Queued' : (PIPELINE_STEPS.find((s) => s.status === status)?.name ?? status);

/**
 * What a status change tells operators: how long the study spent in the status it leaves, and on a final
 * status the failure code or the score. A repeated change (same status) tells nothing new.
 */
export function transitionMetrics(
  before: Before,
  next: StudyStatus,
  at: Date,
  extra: { error?: StudyFailure; result?: Record<string, unknown> },
): MetricPoint[] {
  if (before.status === next) return [];
  const points: MetricPoint[] = [];
  const since = (status: StudyStatus) => {
    const entered = before.stages[status];
    return entered === undefined ? undefined : (at.getTime() - Date.parse(entered)) / 1000;
  };
  const spent = since(before.status);
  if (spent !== undefined)
    points.push({
      name: STAGE_DURATION_METRIC,
      unit: 'Seconds',
      value: spent,
      dimensions: { stage: stageOf(before.status) },
    });
  if (next === 'FAILED' && extra.error) points.push(...failureMetrics(extra.error));
  if (next === 'COMPLETED') {
    points.push({ name: COMPLETED_METRIC, unit: 'Count', value: 1, dimensions: {} });
    const total = since('RECEIVED');
    if (total !== undefined)
      points.push({ name: STUDY_DURATION_METRIC, unit: 'Seconds', value: total, dimensions: {} });
    const probability = extra.result?.probability;
    if (typeof probability === 'number')
      points.push({ name: PROBABILITY_METRIC, unit: 'None', value: probability, dimensions: {} });
  }
  return points;
}

/**
 * A failed study: a count by stage and code, and a rejected upload (failure-kind.ts) also as a rejection,
 * which the dashboard shows and no alarm watches.
 */
export function failureMetrics(failure: StudyFailure): MetricPoint[] {
  const points: MetricPoint[] = [
    {
      name: STAGE_FAILURE_METRIC,
      unit: 'Count',
      value: 1,
      dimensions: { stage: failure.stage, code: failure.code },
    },
  ];
  if (isRejection(failure))
    points.push({ name: STUDIES_REJECTED_METRIC, unit: 'Count', value: 1, dimensions: {} });
  return points;
}
