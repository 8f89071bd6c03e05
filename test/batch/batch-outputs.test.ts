import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { estimateBatchCost } from '../../core/batch/batch-cost';
import { MixedBatchError } from '../../core/batch/batch-identity';
import { csvField, csvText } from '../../core/batch/csv';
import { batchKeys, type BatchOutcome } from '../../core/batch/outcome';
import { parseBatchOutcome } from '../../core/batch/parse-outcome';
import { DEFAULT_BATCH_PRICING, summarizeBatch } from '../../core/batch/summary';
import { trainingTable, trainingTableCsv } from '../../core/batch/training-table';
import { trainingTableParquet } from '../../core/batch/training-table-parquet';
import { PRICE_TABLES } from '../../core/cost/prices';
import { studyUsage } from '../../core/cost/usage';

const BATCH = 'b1';
const model = { name: 'sap-fusion', version: '2.0.0' };
const completed = (
  studyId: string,
  features: Record<string, number | null>,
  extra: Partial<Extract<BatchOutcome, { status: 'COMPLETED' }>> = {},
): BatchOutcome => ({
  status: 'COMPLETED',
  studyId,
  manifestVersion: `"etag-${studyId}"`,
  batchId: BATCH,
  mode: 'features',
  finishedAt: '2025-03-01T10:00:00.000Z',
  model,
  features,
  missing: Object.keys(features).filter((k) => features[k] === null),
  ...extra,
});
const failed = (studyId: string, stage: string, code: string, finishedAt = '2025-03-01T10:05:00.000Z') =>
  ({
    status: 'FAILED',
    studyId,
    manifestVersion: 'v1',
    batchId: BATCH,
    mode: 'features',
    finishedAt,
    stage,
    code,
    message: `${code} in ${stage}`,
  }) satisfies BatchOutcome;

describe('CSV (RFC 4180)', () => {
  it('quotes a field only where it holds a comma, a quote or a line break, doubling its quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('')).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(
      csvText([
        ['x', 'y,z'],
        ['1', ''],
      ]),
    ).toBe('x,"y,z"\r\n1,\r\n');
  });
});

describe('the training table', () => {
  it('has one row per completed study, by studyId, with the inputs in the order Fuse wrote them', () => {
    const outcomes = [
      completed('s-b', { age: 61, 'ratio,odd': 0.1 + 0.2, pleural: null }),
      failed('s-0', 'Validate', 'CLINICAL_INVALID_JSON'),
      completed('s-a', { age: 47, 'ratio,odd': 1e-7, pleural: 1 }),
    ];
    const table = trainingTable(outcomes);
    expect(table.columns).toEqual(['studyId', 'manifestVersion', 'age', 'ratio,odd', 'pleural']);
    expect(table.rows).toEqual([
      ['s-a', '"etag-s-a"', 47, 1e-7, 1],
      ['s-b', '"etag-s-b"', 61, 0.30000000000000004, null],
    ]);
    expect(trainingTableCsv(table)).toBe(
      'studyId,manifestVersion,age,"ratio,odd",pleural\r\n' +
        's-a,"""etag-s-a""",47,1e-7,1\r\n' +
        's-b,"""etag-s-b""",61,0.30000000000000004,\r\n',
    );
  });

  it('adds probability and riskLevel in a scored batch, empty for a study that has none', () => {
    const table = trainingTable([
      completed('s1', { age: 50 }, { mode: 'score', probability: 0.25, riskLevel: 'moderate' }),
      completed('s2', { age: 70 }, { mode: 'score' }),
    ]);
    expect(table.columns.slice(-2)).toEqual(['probability', 'riskLevel']);
    expect(trainingTableCsv(table).split('\r\n').slice(1, 3)).toEqual([
      's1,"""etag-s1""",50,0.25,moderate',
      's2,"""etag-s2""",70,,',
    ]);
  });

  it('writes the same table as Parquet: text as UTF-8, numbers as the exact doubles, missing as null', async () => {
    const table = trainingTable([
      completed(
        's-b',
        { age: 61, 'ratio,odd': 0.1 + 0.2 },
        { mode: 'score', probability: 0.25, riskLevel: 'moderate' },
      ),
      completed('s-a', { age: 47, 'ratio,odd': null }, { mode: 'score' }),
    ]);
    const file = trainingTableParquet(table);
    // Read back with hyparquet, the reader of the same project: the parquet magic at both ends.
    expect(new TextDecoder().decode(file.subarray(0, 4))).toBe('PAR1');
    expect(new TextDecoder().decode(file.subarray(-4))).toBe('PAR1');
    const schema = parquetMetadata(file.slice().buffer).schema.slice(1);
    expect(schema.map((s) => [s.name, s.type, s.converted_type ?? null])).toEqual([
      ['studyId', 'BYTE_ARRAY', 'UTF8'],
      ['manifestVersion', 'BYTE_ARRAY', 'UTF8'],
      ['age', 'DOUBLE', null],
      ['ratio,odd', 'DOUBLE', null],
      ['probability', 'DOUBLE', null],
      ['riskLevel', 'BYTE_ARRAY', 'UTF8'],
    ]);
    const rows = await parquetReadObjects({ file: file.slice().buffer });
    expect(rows.map((row) => table.columns.map((c) => row[c]))).toEqual(table.rows);
  });

  it('carries the classic scores sap evaluate compares with, in CSV and Parquet, empty where not computable', async () => {
    const scores = { bisap: 2, ranson: null, mctsi: 6, sirs: 3, glasgowImrie: null, apacheII: 11 };
    const table = trainingTable([
      completed(
        's1',
        { age: 50 },
        { mode: 'score', probability: 0.25, riskLevel: 'moderate', classicScores: scores },
      ),
      // An outcome stored before Fuse recorded the scores: empty cells, not zeros.
      completed('s2', { age: 70 }, { mode: 'score', probability: 0.5, riskLevel: 'high' }),
    ]);
    expect(table.columns).toEqual([
      'studyId',
      'manifestVersion',
      'age',
      'bisap',
      'ranson',
      'mctsi',
      'sirs',
      'glasgowImrie',
      'apacheII',
      'probability',
      'riskLevel',
    ]);
    expect(trainingTableCsv(table).split('\r\n').slice(1, 3)).toEqual([
      's1,"""etag-s1""",50,2,,6,3,,11,0.25,moderate',
      's2,"""etag-s2""",70,,,,,,,0.5,high',
    ]);
    const rows = await parquetReadObjects({ file: trainingTableParquet(table).slice().buffer });
    expect(rows[0]).toMatchObject({ bisap: 2, ranson: null, apacheII: 11 });
    expect(rows[1]).toMatchObject({ bisap: null, mctsi: null });
    expect(() => trainingTable([completed('s1', { bisap: 1 }, { classicScores: scores })])).toThrow(
      /model input "bisap" has the name of a classic-score column/,
    );
  });

  it('is only a header without completed studies, and refuses outcomes of two models', () => {
    expect(trainingTableCsv(trainingTable([failed('s1', 'Infer', 'X')]))).toBe('studyId,manifestVersion\r\n');
    expect(() => trainingTable([completed('s1', { a: 1, b: 2 }), completed('s2', { b: 2, a: 1 })])).toThrow(
      MixedBatchError,
    );
  });
});

describe('reading a stored outcome', () => {
  const key = batchKeys.outcome(BATCH, 's1');
  it('accepts an outcome of this batch under its own study key', () => {
    const outcome = completed('s1', { a: 1 });
    expect(parseBatchOutcome(BATCH, key, JSON.stringify(outcome))).toEqual({ ok: true, outcome });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['another schema', JSON.stringify({ status: 'DONE' }), /not a batch outcome/],
    ['another batch', JSON.stringify({ ...completed('s1', {}), batchId: 'b2' }), /batch b2, not b1/],
    ['another study', JSON.stringify(completed('s2', {})), /study s2, stored under another/],
  ])('says why a file is not one: %s', (_case, text, reason) => {
    const parsed = parseBatchOutcome(BATCH, key, text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.invalid).toEqual({ key, reason: expect.stringMatching(reason) });
  });
});

const prices = PRICE_TABLES['us-east-1']!;
const usage = studyUsage({ gpuSeconds: 10, polls: 0 });

describe('the batch cost', () => {
  it('a score study by hand: one endpoint start and idle tail, its functions and transitions', () => {
    const cost = estimateBatchCost({
      mode: 'score',
      studies: 1,
      gpuSeconds: 10,
      instanceType: 'ml.g5.xlarge',
      prices,
      usage,
    });
    // 10 s busy + 480 s start + 300 s idle tail (core/pipeline/deployment-defaults.ts) at $1.408/h.
    expect(cost.instanceSeconds).toBe(790);
    expect(cost.usd.gpu).toBeCloseTo((790 / 3600) * 1.408, 12);
    // GB-s: StartStudy 0.25·0.3, Validate 2.9375·6, Infer 0.25·0.5, Radiomics 2.9375·4, Fuse 2.9375·2, callback 0.25·0.3,
    // failure recorder 0.25·0.3·0.05 = 35.52875; 6.05 requests.
    expect(cost.usd.lambda).toBeCloseTo(35.52875 * 0.0000133334 + 6.05e-6 * 0.2, 12);
    expect(cost.usd.stepFunctions).toBeCloseTo(0.007 * 0.025, 12);
    expect(cost.usd.total).toBeCloseTo(cost.usd.gpu + cost.usd.lambda + cost.usd.stepFunctions, 12);
    expect(cost.usdPerStudy).toBe(cost.usd.total);
  });

  it('a rescore pays no GPU and only Fuse beside the item and failure functions', () => {
    const cost = estimateBatchCost({
      mode: 'rescore',
      studies: 4,
      gpuSeconds: 0,
      instanceType: 'ml.g5.xlarge',
      prices,
      usage,
    });
    expect(cost.usd.gpu).toBe(0);
    expect(cost.instanceSeconds).toBe(0);
    expect(cost.usd.lambda).toBeCloseTo(4 * (5.95375 * 0.0000133334 + 2.05e-6 * 0.2), 12);
    expect(cost.usdPerStudy).toBeCloseTo(cost.usd.total / 4, 15);
  });

  it('names an instance type without a price', () => {
    expect(() =>
      estimateBatchCost({
        mode: 'score',
        studies: 1,
        gpuSeconds: 1,
        instanceType: 'ml.p9.huge',
        prices,
        usage,
      }),
    ).toThrow(/no us-east-1 price for ml\.p9\.huge/);
  });
});

describe('the batch summary', () => {
  const outcomes: BatchOutcome[] = [
    completed('s3', { a: 1 }, { inferenceSeconds: 12.5, finishedAt: '2025-03-01T10:07:00.000Z' }),
    failed('s2', 'Validate', 'CLINICAL_INVALID_JSON'),
    completed('s1', { a: 2 }, { inferenceSeconds: 7.5 }),
    failed('s4', 'Validate', 'IMAGE_UNREADABLE'),
    failed('s5', 'Radiomics', 'CLINICAL_INVALID_JSON'),
  ];
  const summary = summarizeBatch({
    batchId: BATCH,
    outcomes,
    invalidOutcomes: [{ key: 'batches/b1/studies/zz.json', reason: 'not JSON' }],
    refusedItems: [
      { item: 'bad name', stage: 'Submit', code: 'INVALID_STUDY_ID', message: 'not a study id' },
    ],
    startedAt: '2025-03-01T09:59:00.000Z',
  });

  it('counts by status and by failure code and stage, every failed item listed by name', () => {
    expect(summary).toMatchObject({
      schemaVersion: 1,
      batchId: BATCH,
      mode: 'features',
      model,
      startedAt: '2025-03-01T09:59:00.000Z',
      finishedAt: '2025-03-01T10:07:00.000Z',
      counts: { total: 6, COMPLETED: 2, FAILED: 4, invalidOutcomes: 1 },
      gpuSeconds: 20,
    });
    expect(summary.failures.byCode).toEqual({
      CLINICAL_INVALID_JSON: 2,
      IMAGE_UNREADABLE: 1,
      INVALID_STUDY_ID: 1,
    });
    expect(summary.failures.byStage).toEqual({
      Radiomics: { CLINICAL_INVALID_JSON: 1 },
      Submit: { INVALID_STUDY_ID: 1 },
      Validate: { CLINICAL_INVALID_JSON: 1, IMAGE_UNREADABLE: 1 },
    });
    expect(summary.failures.items.map((f) => [f.item, f.code])).toEqual([
      ['bad name', 'INVALID_STUDY_ID'],
      ['s2', 'CLINICAL_INVALID_JSON'],
      ['s4', 'IMAGE_UNREADABLE'],
      ['s5', 'CLINICAL_INVALID_JSON'],
    ]);
    expect(summary.invalidOutcomes).toEqual([{ key: 'batches/b1/studies/zz.json', reason: 'not JSON' }]);
  });

  it('charges the measured GPU time for every study that ran, refused items not', () => {
    const expected = estimateBatchCost({
      mode: 'features',
      studies: 5,
      gpuSeconds: 20,
      instanceType: DEFAULT_BATCH_PRICING.instanceType,
      prices,
      usage,
    });
    expect(summary.cost).toMatchObject({
      ...expected,
      region: 'us-east-1',
      gpuSecondsBasis: 'measured',
      gpuSecondsCharged: 20,
    });
  });

  it("charges sap cost's 10 s per inferred study when the measured time is CPU time", () => {
    const local = summarizeBatch({
      batchId: BATCH,
      outcomes,
      pricing: { prices, instanceType: 'ml.g4dn.xlarge', gpuSecondsBasis: 'cost-model' },
    });
    expect(local.gpuSeconds).toBe(20);
    expect(local.cost.gpuSecondsCharged).toBe(2 * 10);
    expect(local.cost.usd.gpu).toBeCloseTo(((20 + 480 + 300) / 3600) * 0.736, 12);
    expect(local.startedAt).toBeNull();
  });

  it('is empty but well formed for a batch without outcomes, and refuses a batch of mixed modes', () => {
    const empty = summarizeBatch({ batchId: BATCH, outcomes: [] });
    expect(empty).toMatchObject({ mode: null, model: null, finishedAt: null, gpuSeconds: 0 });
    expect(empty.counts).toEqual({ total: 0, COMPLETED: 0, FAILED: 0, invalidOutcomes: 0 });
    expect(empty.cost.usd.total).toBe(0);
    expect(() =>
      summarizeBatch({
        batchId: BATCH,
        outcomes: [completed('s1', {}), { ...completed('s2', {}), mode: 'score' }],
      }),
    ).toThrow(/several modes: features, score/);
  });
});
