import { evaluationBench } from './cases/evaluation';
import { inferenceBench } from './cases/inference';
import { inferenceCpuBench } from './cases/inference-cpu';
import { ingestion } from './cases/ingestion';
import { lambdaBundles } from './cases/lambda-bundles';
import { localBatch } from './cases/local-batch';
import { localStack } from './cases/local-stack';
import { radiomics } from './cases/radiomics';
import { radiomicsLambda } from './cases/radiomics-lambda';
import { xgboostBench } from './cases/xgboost';
import { synthTwoRegions } from './cases/synth';
import { formatTable, type BenchCase, type Measurement } from './harness';

/**
 * `npm run bench [-- name-filter]`: runs every case (or those whose name contains the filter) and prints
 * one table. Later issues add their cases (radiomics, inference, fusion, end-to-end) to this list.
 */
const CASES: BenchCase[] = [
  synthTwoRegions,
  lambdaBundles,
  ingestion,
  radiomics,
  radiomicsLambda,
  inferenceBench,
  inferenceCpuBench,
  xgboostBench,
  evaluationBench,
  localStack,
  localBatch,
];

const filter = process.argv[2];
const rows: Measurement[] = [];
for (const benchCase of CASES.filter((c) => !filter || c.name.includes(filter))) {
  rows.push(...(await benchCase.run()));
}
console.log(formatTable(rows));
