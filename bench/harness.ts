/** One measured figure of a benchmark case. */
export interface Measurement {
  case: string;
  metric: string;
  value: number;
  unit: string;
}

export interface BenchCase {
  name: string;
  run: () => Promise<Measurement[]>;
}

/**
 * The cases `filter` names: the case of exactly that name where there is one (`inference` is not also
 * `inference-cpu` and `inference-networks`), otherwise every case whose name contains it (`lambda` runs
 * `lambda bundles` and `radiomics-lambda`); all cases without a filter.
 */
export function selectCases(cases: BenchCase[], filter: string | undefined): BenchCase[] {
  if (!filter) return cases;
  const exact = cases.filter((c) => c.name === filter);
  return exact.length > 0 ? exact : cases.filter((c) => c.name.includes(filter));
}

/** Wall time of `fn` in milliseconds, best of `repeats` (the least disturbed run). */
export async function bestOf(repeats: number, fn: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

export function formatTable(rows: Measurement[]): string {
  const header = ['case', 'metric', 'value', 'unit'];
  const cells = rows.map((r) => [r.case, r.metric, formatValue(r.value), r.unit]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
}
