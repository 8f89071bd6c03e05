import type { Features } from './types';

/** One valued row of an IBSI reference table (ct_phantom_reference.csv, digital_phantom_reference.csv). */
export interface ReferenceValue {
  config: string;
  family: string;
  feature: string;
  tag: string;
  value: number;
  tolerance: number;
}

export interface ComplianceRow extends ReferenceValue {
  actual?: number;
  pass: boolean;
}

/** Reads an IBSI reference CSV (quoted cells allowed); rows without a reference value are skipped. */
export function parseReferenceCsv(text: string): ReferenceValue[] {
  const [header, ...rows] = text.trim().split(/\r?\n/).map(splitCsvLine);
  const col = (name: string) => header!.indexOf(name);
  return rows
    .filter((r) => r[col('has_reference')] === 'yes')
    .map((r) => ({
      config: col('config') >= 0 ? r[col('config')]! : '',
      family: r[col('family')]!,
      feature: r[col('feature')]!,
      tag: r[col('benchmark_tag')]!,
      value: Number(r[col('value')]),
      tolerance: Number(r[col('tolerance')] || 0),
    }));
}

function splitCsvLine(line: string): string[] {
  return (line.match(/("[^"]*"|[^,]*)(,|$)/g) ?? [])
    .slice(0, -1)
    .map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, ''));
}

/**
 * The tolerance a reference value is met within: its own, or, for a value given to 3 significant digits
 * without one, half a unit of the 3rd digit (plus float rounding).
 */
export function referenceTolerance(reference: Pick<ReferenceValue, 'value' | 'tolerance'>): number {
  if (reference.tolerance > 0) return reference.tolerance;
  if (reference.value === 0) return 1e-9;
  return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(reference.value))) - 2) + 1e-12;
}

export function compareToReference(features: Features, references: ReferenceValue[]): ComplianceRow[] {
  return references.map((reference) => {
    const actual = features[reference.tag];
    const pass = actual !== undefined && Math.abs(actual - reference.value) <= referenceTolerance(reference);
    return { ...reference, actual, pass };
  });
}
