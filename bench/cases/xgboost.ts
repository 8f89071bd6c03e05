import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadXgboostModel, predict, predictBatch, predictContribs, type XgbModel } from '../../core/xgboost';
import { bestOf, type BenchCase, type Measurement } from '../harness';

const MODEL = fileURLToPath(new URL('../../test/fixtures/xgboost/bench-logistic-300x6.ubj', import.meta.url));
const ROWS = fileURLToPath(
  new URL('../../test/fixtures/xgboost/logistic-hist-d4.expected.json', import.meta.url),
);

/** `n` rows drawn from the fixture rows (NaN, extremes and threshold values included), jittered by ±5 %. */
function makeRows(model: XgbModel, n: number): Float64Array {
  const source = (JSON.parse(readFileSync(ROWS, 'utf8')) as { rows: (number | null)[][] }).rows;
  const nf = model.numFeature;
  const out = new Float64Array(n * nf);
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let r = 0; r < n; r++) {
    const row = source[r % source.length]!;
    for (let j = 0; j < nf; j++) out[r * nf + j] = (row[j] ?? NaN) * (0.95 + 0.1 * random());
  }
  return out;
}

/**
 * The fusion model's cost: a real XGBoost 1.7 model of 300 depth-6 trees (binary:logistic, saved as UBJSON
 * by test/fixtures/xgboost/make-fixtures.py). Load time, predict + exact TreeSHAP of one row (target
 * ≤ 3 ms; the mean over 200 different rows, best of 5), and batch prediction throughput over 10,000 rows.
 */
export const xgboostBench: BenchCase = {
  name: 'xgboost',
  async run() {
    const bytes = new Uint8Array(readFileSync(MODEL));
    let model = loadXgboostModel(bytes);
    const loadMs = await bestOf(5, () => (model = loadXgboostModel(bytes)));
    const nf = model.numFeature;
    const label = `xgboost ${model.numTrees} trees depth ${model.maxDepth}, ${nf} features`;

    const explainRows = makeRows(model, 200);
    const explainAll = () => {
      for (let r = 0; r < 200; r++) {
        const row = explainRows.subarray(r * nf, (r + 1) * nf);
        predict(model, row);
        predictContribs(model, row);
      }
    };
    explainAll(); // warm-up
    const explainMs = (await bestOf(5, explainAll)) / 200;

    const batchRows = makeRows(model, 10_000);
    predictBatch(model, batchRows); // warm-up
    const batchMs = await bestOf(5, () => predictBatch(model, batchRows));

    const rows: Measurement[] = [
      { case: label, metric: 'load UBJSON (best of 5)', value: loadMs, unit: 'ms' },
      { case: label, metric: 'predict + TreeSHAP, one row', value: explainMs, unit: 'ms' },
      { case: label, metric: 'batch predict 10,000 rows', value: batchMs, unit: 'ms' },
      {
        case: label,
        metric: 'batch predict throughput',
        value: Math.round(10_000 / (batchMs / 1000)),
        unit: 'rows/s',
      },
    ];
    return rows;
  },
};
