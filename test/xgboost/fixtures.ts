import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadXgboostModel, type XgbModel } from '../../core/xgboost';

const DIR = fileURLToPath(new URL('../fixtures/xgboost/', import.meta.url));

/** Models written by test/fixtures/xgboost/make-fixtures.py, each as .json, .ubj and .expected.json. */
export const MODELS = [
  'logistic-hist-d4',
  'logistic-exact-d8',
  'softprob-3class',
  'softmax-3class',
  'regression-d4',
  'logistic-missing35',
] as const;

export type ModelName = (typeof MODELS)[number];

/** What XGBoost 1.7 returned for the fixture rows (float32 values as their shortest decimal). */
export interface Expected {
  xgboost: string;
  rows: number[][];
  /** rows × groups (a plain list for one group). */
  margins: number[] | number[][];
  predictions: number[] | number[][];
  /** rows × (features + 1), or rows × groups × (features + 1). */
  contribs: number[][] | number[][][];
  importance: Record<string, Record<string, number>>;
  interactions?: number[][][];
}

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(DIR + file));
}

export function loadFixture(name: ModelName, format: 'json' | 'ubj'): XgbModel {
  return loadXgboostModel(fixtureBytes(`${name}.${format}`));
}

export function expected(name: ModelName): Expected {
  const raw = JSON.parse(readFileSync(`${DIR}${name}.expected.json`, 'utf8')) as Expected;
  raw.rows = raw.rows.map((r) => r.map((v) => (v === null ? NaN : v)));
  return raw;
}

/** A value per output group, whatever the nesting XGBoost used for one group. */
export function perGroup<T>(value: T | T[], groups: number): T[] {
  return groups === 1 ? [value as T] : (value as T[]);
}

/** |actual − expected| ≤ tol · max(|expected|, floor): relative, with an absolute floor near zero. */
export function within(actual: number, wanted: number, tol: number, floor = 1): boolean {
  if (Number.isNaN(wanted)) return Number.isNaN(actual);
  return Math.abs(actual - wanted) <= tol * Math.max(Math.abs(wanted), floor);
}
