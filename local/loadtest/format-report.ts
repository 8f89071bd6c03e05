import type { LoadFigures } from './load-test';

const seconds = (value: number) => `${value.toFixed(1)} s`;

/** The figures as the load test prints them: counts, latency, throughput, then every problem found. */
export function formatLoadFigures(figures: LoadFigures): string {
  const latency = figures.latencySeconds;
  const lines = [
    `submitted   ${figures.submitted} of ${figures.requested} (${figures.repeatedManifests} manifests sent twice)`,
    `completed   ${figures.completed}`,
    `failed      ${figures.failed} (deliberately bad studies fail; unexpected endings: ${figures.unexpectedEnd})`,
    `lost        ${figures.lost}`,
    `duplicated  ${figures.duplicated}`,
    `mixed up    ${figures.mixedUp}`,
    `stray keys  ${figures.strayKeys.length}`,
    `step retries ${figures.retries}`,
    latency
      ? `latency     p50 ${seconds(latency.p50)}, p95 ${seconds(latency.p95)}, max ${seconds(latency.max)} (upload start → final status)`
      : 'latency     no study finished',
    `throughput  ${figures.throughputPerMinute.toFixed(1)} studies/min`,
    `wall time   ${seconds(figures.wallSeconds)}`,
  ];
  const problems = [...figures.problems, ...figures.strayKeys.map((key) => `stray key ${key}`)];
  return [...lines, ...(problems.length > 0 ? ['problems:', ...problems.map((p) => `  ${p}`)] : [])].join(
    '\n',
  );
}
