/** Number formatting for chart labels. Negative numbers use the typographic minus sign (U+2212). */

export const MINUS = '\u2212';

function withMinus(s: string): string {
  return s.startsWith('-') ? MINUS + s.slice(1) : s;
}

/** A number with `decimals` decimals; "-0.00" becomes "0.00". */
export function fixed(n: number, decimals: number): string {
  const s = n.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : withMinus(s);
}

/** A SHAP contribution: always signed ("+0.42", "−0.13"); tiny nonzero values keep two significant digits. */
export function signed(n: number): string {
  if (n === 0) return '0.00';
  const abs = Math.abs(n);
  const body = abs >= 0.005 ? fixed(abs, 2) : precise(abs, 2);
  if (body === '0.00') return '0.00';
  return (n > 0 ? '+' : MINUS) + body;
}

/** Up to `digits` significant digits, no trailing zeros, no exponent for everyday magnitudes. */
export function precise(n: number, digits = 4): string {
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1e-4 && abs < 1e15) return withMinus(String(Number(n.toPrecision(digits))));
  return withMinus(n.toExponential(Math.max(0, digits - 2)));
}

/** A feature's value with its unit, or "missing". Non-finite values count as missing. */
export function featureValue(value: number | null, unit?: string): string {
  if (value === null || !Number.isFinite(value)) return 'missing';
  const v = precise(value);
  if (!unit) return v;
  return unit === '%' ? `${v}%` : `${v} ${unit}`;
}

/** A probability for display: two decimals, "<0.01"/">0.99" at the extremes. */
export function probability(p: number): string {
  if (p > 0 && p < 0.005) return '<0.01';
  if (p < 1 && p > 0.995) return '>0.99';
  return fixed(p, 2);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** An importance value: compact (1.2k, 3.4M) for large counts, four significant digits otherwise. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return precise(n / 1e6, 3) + 'M';
  if (abs >= 1e4) return precise(n / 1e3, 3) + 'k';
  return precise(n, 4);
}

/** "1 other feature", "3 other features". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
