import { evaluateCohort } from '../../local/evaluate/evaluate';
import type { Cohort } from '../../local/evaluate/cohort';
import { bestOf, type BenchCase } from '../harness';

const PATIENTS = 10_000;

/** `sap evaluate`'s figures for a 10,000-patient cohort with a model and five classic scores (target < 2 s). */
export const evaluationBench: BenchCase = {
  name: 'evaluation',
  async run() {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const outcome = Float64Array.from({ length: PATIENTS }, () => (random() < 0.2 ? 1 : 0));
    const noisy = (spread: number, levels?: number) =>
      Float64Array.from(outcome, (y) => {
        const v = Math.min(0.999, Math.max(0.001, 0.3 + 0.4 * y + spread * (random() - 0.5)));
        return levels ? Math.round(v * levels) : v;
      });
    const cohort: Cohort = {
      ids: Array.from({ length: PATIENTS }, (_, i) => String(i)),
      outcome,
      systems: {
        model: noisy(0.8),
        bisap: noisy(1.2, 5),
        ranson: noisy(1.2, 11),
        mctsi: noisy(1.2, 10),
        sirs: noisy(1.5, 4),
        apacheII: noisy(1.3, 30),
      },
      missing: {},
    };
    const ms = await bestOf(3, () => evaluateCohort(cohort, 'model', 0.6));
    return [
      {
        case: `evaluate ${PATIENTS} patients, model + 5 scores`,
        metric: 'wall (best of 3)',
        value: ms,
        unit: 'ms',
      },
    ];
  },
};
