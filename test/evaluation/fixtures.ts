import { readFileSync } from 'node:fs';

const dir = new URL('../fixtures/evaluation/', import.meta.url);
const load = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

export interface Cohort {
  severe: number[];
  bisap: (number | null)[];
  crp: (number | null)[];
  prob: (number | null)[];
}
export type ScoreName = 'bisap' | 'crp' | 'prob';

interface AucExpected {
  auc: number;
  variance: number;
  ci: [number, number];
  nPositive: number;
  nNegative: number;
  nMissing: number;
}
interface PairedExpected {
  aucA: number;
  aucB: number;
  variance: number;
  z: number;
  p: number;
  nMissing: number;
}
export interface Expected {
  z975: number;
  auc: Record<ScoreName, AucExpected>;
  paired: Record<string, PairedExpected>;
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  youden: { threshold: number; j: number };
  bisapAt3: { tp: number; fp: number; tn: number; fn: number };
  probability: {
    brier: number;
    intercept: number;
    slopeIntercept: number;
    slope: number;
    deciles: { n: number; events: number; meanPredicted: number }[];
    netBenefit: { threshold: number; model: number; treatAll: number }[];
  };
}

/** The synthetic cohort and sklearn/numpy reference values written by make-fixtures.py. */
export const cohort = load('cohort.json') as Cohort;
export const expected = load('expected.json') as Expected;
