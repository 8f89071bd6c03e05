import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureMetrics, transitionMetrics } from '../../core/pipeline/transition-metrics';
import { metrics, publishPoints } from '../../lambdas/shared/metrics';

const at = new Date('2026-11-26T10:00:30.000Z');
const stages = {
  RECEIVED: '2026-11-26T09:58:00.000Z',
  VALIDATING: '2026-11-26T09:58:10.000Z',
  SCORING: '2026-11-26T10:00:28.500Z',
} as const;

describe('metrics of a status change', () => {
  it('leaving a status: the seconds spent in it, named by its stage', () => {
    expect(transitionMetrics({ status: 'VALIDATING', stages }, 'INFERRING', at, {})).toEqual([
      { name: 'StageDurationSeconds', unit: 'Seconds', value: 140, dimensions: { stage: 'Validate' } },
    ]);
    expect(transitionMetrics({ status: 'RECEIVED', stages }, 'VALIDATING', at, {})[0]).toMatchObject({
      value: 150,
      dimensions: { stage: 'Queued' },
    });
  });

  it('completing: Fuse time, the study total, a count and the probability', () => {
    const points = transitionMetrics({ status: 'SCORING', stages }, 'COMPLETED', at, {
      result: { probability: 0.82 },
    });
    expect(points.map((p) => [p.name, p.value])).toEqual([
      ['StageDurationSeconds', 1.5],
      ['StudiesCompleted', 1],
      ['StudyDurationSeconds', 150],
      ['SapProbability', 0.82],
    ]);
  });

  it('failing: a count by stage and code', () => {
    const error = { stage: 'Validate' as const, code: 'INPUT_REJECTED', message: 'x' };
    const points = transitionMetrics({ status: 'VALIDATING', stages }, 'FAILED', at, { error });
    expect(points[1]).toEqual({
      name: 'StageFailures',
      unit: 'Count',
      value: 1,
      dimensions: { stage: 'Validate', code: 'INPUT_REJECTED' },
    });
  });

  it('a rejected upload is also counted as a rejection; a system failure is not', () => {
    const rejected = { stage: 'Validate' as const, code: 'INPUT_REJECTED', message: 'x' };
    const corrupt = { stage: 'Radiomics' as const, code: 'ARTIFACT_CORRUPT', message: 'x' };
    expect(failureMetrics(rejected).map((p) => [p.name, p.value, p.dimensions])).toEqual([
      ['StageFailures', 1, { stage: 'Validate', code: 'INPUT_REJECTED' }],
      ['StudiesRejected', 1, {}],
    ]);
    expect(failureMetrics(corrupt).map((p) => p.name)).toEqual(['StageFailures']);
  });

  it('a repeated change (a retried step) publishes nothing', () => {
    expect(transitionMetrics({ status: 'VALIDATING', stages }, 'VALIDATING', at, {})).toEqual([]);
  });
});

describe('publishing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('each point as a single metric with its own dimensions', () => {
    const added: unknown[] = [];
    vi.spyOn(metrics, 'singleMetric').mockImplementation(
      () =>
        ({
          addDimensions: (d: Record<string, string>) => added.push(d),
          addMetric: (name: string, unit: string, value: number) => added.push([name, unit, value]),
        }) as never,
    );
    publishPoints([
      { name: 'StageFailures', unit: 'Count', value: 1, dimensions: { stage: 'Fuse', code: 'X' } },
      { name: 'SapProbability', unit: 'None', value: 0.4, dimensions: {} },
    ]);
    expect(added).toEqual([
      { stage: 'Fuse', code: 'X' },
      ['StageFailures', 'Count', 1],
      {},
      ['SapProbability', 'None', 0.4],
    ]);
  });
});
