import type { Measurement } from '../harness';

/** One timed extraction: its wall time and the time of each step (RadiomicsResult.timingsMs). */
export interface RunTimings {
  totalMs: number;
  timingsMs: Record<string, number>;
}

/**
 * PyRadiomics (AIM-Harvard/pyradiomics @ 8ed57938, C extensions built with gcc -O3) on the same bench volume,
 * warm, in-process, one thread, on this project's 2-vCPU machine, 2026-12-06: 7 runs interleaved with this
 * engine's (../shared/radiomics/bench_volume.md). Only a figure from the same machine is a fair comparison.
 */
export const PYRADIOMICS_REFERENCE = {
  measured: '2026-12-06',
  features: 107,
  medianMs: 1310,
  minMs: 1280,
  maxMs: 1430,
  shapeMs: 760,
  firstOrderMs: 120,
  textureClassMs: [50, 90] as const,
};

/** The nearest-rank p-quantile (p in (0, 1]) of `values`: an actual run, never an interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Median and p90 over the runs of the total and of each step, in the order the extraction ran them. `label`
 * names the settings (e.g. `pyradiomics profile, 107 features`).
 */
export function summariseRuns(label: string, runs: readonly RunTimings[]): Measurement[] {
  const n = runs.length;
  const rows: Measurement[] = [];
  const add = (what: string, values: number[]) => {
    rows.push({
      case: `radiomics ${label}: ${what}`,
      metric: `median of ${n} warm runs`,
      value: percentile(values, 0.5),
      unit: 'ms',
    });
    rows.push({
      case: `radiomics ${label}: ${what}`,
      metric: `p90 of ${n} warm runs`,
      value: percentile(values, 0.9),
      unit: 'ms',
    });
  };
  add(
    'total',
    runs.map((r) => r.totalMs),
  );
  for (const step of Object.keys(runs[0]?.timingsMs ?? {}))
    add(
      step,
      runs.map((r) => r.timingsMs[step] ?? NaN),
    );
  return rows;
}

/** PyRadiomics' figures on this machine, and how many times faster this engine's median total is. */
export function pyradiomicsComparison(ownMedianMs: number): Measurement[] {
  const ref = PYRADIOMICS_REFERENCE;
  const what = `PyRadiomics ${ref.features} features, this machine, measured ${ref.measured}`;
  const [textureLow, textureHigh] = ref.textureClassMs;
  return [
    { case: what, metric: `median (${ref.minMs}–${ref.maxMs})`, value: ref.medianMs, unit: 'ms' },
    { case: what, metric: 'shape', value: ref.shapeMs, unit: 'ms' },
    { case: what, metric: 'firstorder', value: ref.firstOrderMs, unit: 'ms' },
    { case: what, metric: 'fastest texture class', value: textureLow, unit: 'ms' },
    { case: what, metric: 'slowest texture class', value: textureHigh, unit: 'ms' },
    {
      case: what,
      metric: 'speed-up of this engine (median / median)',
      value: ref.medianMs / ownMedianMs,
      unit: '×',
    },
  ];
}
