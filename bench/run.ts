import { evaluationBench } from './cases/evaluation';
import { inferenceBench, inferenceNetworksBench } from './cases/inference';
import { inferenceCpuBench } from './cases/inference-cpu';
import { ingestion } from './cases/ingestion';
import { lambdaBundles } from './cases/lambda-bundles';
import { localBatch } from './cases/local-batch';
import { localStack } from './cases/local-stack';
import { radiomics } from './cases/radiomics';
import { radiomicsLambda } from './cases/radiomics-lambda';
import { xgboostBench } from './cases/xgboost';
import { synthTwoRegions } from './cases/synth';
import { formatTable, selectCases, type BenchCase, type Measurement } from './harness';

/**
 * `npm run bench [-- name-filter]`: runs every case, or the one named exactly by the filter, or else
 * those whose name contains it (harness.ts selectCases), and prints one table.
 */
const CASES: BenchCase[] = [
  synthTwoRegions,
  lambdaBundles,
  ingestion,
  radiomics,
  radiomicsLambda,
  inferenceBench,
  inferenceNetworksBench,
  inferenceCpuBench,
  xgboostBench,
  evaluationBench,
  localStack,
  localBatch,
];

const filter = process.argv[2];
const rows: Measurement[] = [];
for (const benchCase of selectCases(CASES, filter)) {
  rows.push(...(await benchCase.run()));
}
console.log(formatTable(rows));
