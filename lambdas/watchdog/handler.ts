import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { OLDEST_IN_PROGRESS_METRIC } from '../../core/pipeline/metric-names';
import { IN_PROGRESS_STATUSES, oldestProgressAgeSeconds } from '../../core/study/progress-age';
import { metrics } from '../shared/metrics';
import { oldestInStatus } from '../shared/studies-table';
import { perInvocation } from '../shared/per-invocation';

export const handler = perInvocation(publishOldestProgressAge);

/**
 * Runs every few minutes: publishes how long the most stuck in-progress study has gone without progress.
 * The schedule's event says nothing it needs; `void` keeps the handler callable without one.
 */
async function publishOldestProgressAge(_schedule: void): Promise<{ oldestSeconds: number }> {
  const oldest = await Promise.all(IN_PROGRESS_STATUSES.map((status) => oldestInStatus(status)));
  const oldestSeconds = oldestProgressAgeSeconds(
    oldest.filter((at): at is string => at !== undefined),
    new Date(),
  );
  metrics.addMetric(OLDEST_IN_PROGRESS_METRIC, MetricUnit.Seconds, oldestSeconds);
  metrics.publishStoredMetrics();
  return { oldestSeconds };
}
