import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../core/pipeline/metric-names';
import type { MetricPoint } from '../../core/pipeline/transition-metrics';

/** One Metrics instance per container; EMF lines land in the function's log group, no API calls. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

const UNITS: Record<MetricPoint['unit'], (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Seconds: MetricUnit.Seconds,
  Count: MetricUnit.Count,
  None: MetricUnit.NoUnit,
};

/** Publishes each point at once with its own dimensions (Powertools' single-metric form). */
export function publishPoints(points: readonly MetricPoint[]): void {
  for (const point of points) {
    const single = metrics.singleMetric();
    single.addDimensions(point.dimensions);
    single.addMetric(point.name, UNITS[point.unit], point.value);
  }
}
