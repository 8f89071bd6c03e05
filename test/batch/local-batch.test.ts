/**
 * The local batch (#12) over 20 phantom study folders, four of them bad: interrupted after a few outcomes
 * and resumed on the same data, then compared with studies run one at a time through the normal path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOutputKeys } from '../../core/batch/outputs';
import type { BatchSummary } from '../../core/batch/summary';
import { assembleFeatures } from '../../core/fusion/feature-vector';
import { modelCardSchema } from '../../core/fusion/model-card';
import { generatePhantom, phantomStudyFiles, type PhantomVariant } from '../../core/phantom';
import type { StudyRun } from '../../core/pipeline/run';
import { runLocalBatch, type BatchProgress, type LocalBatchResult } from '../../local/batch/run-batch';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { REPO_ROOT } from '../../local/stack/paths';
import { startLocalStack } from '../../local/stack/stack';
import type { RunnerEvent } from '../../local/stack/step-functions/service';
import { writeStudy } from '../bad-inputs/study-builder';
import { startE2eStack } from '../e2e/local-stack';
import { COMPARED_SCORES, comparedScoreValues, type ClassicScores } from '../../core/scores';

const GOOD = Array.from({ length: 16 }, (_, n) => `g${String(n + 1).padStart(2, '0')}`);
/** Sorted after the good ones, so the interruption falls among good studies. */
const BAD = {
  clinical: 'x-broken-clinical',
  image: 'x-broken-image',
  noImage: 'x-no-image',
  name: 'x bad name',
};
/** Run one at a time through the normal path too: a NIfTI and a DICOM study. */
const REFERENCE = ['g01', 'g02'];
const BATCH_ID = 'cohort-test';
/** Outcomes after which the first run is interrupted. */
const INTERRUPT_AFTER = 5;
const card = modelCardSchema.parse(
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'models/demo/model-card.json'), 'utf8')),
);
const VARIANTS: PhantomVariant[] = ['normal', 'oedematous', 'necrotising', 'pleural-effusion'];

/** The smallest grid the demo U-Net takes whole: 256 mm in plane, 120 mm of slices. */
const studyFiles = (studyId: string, n: number) =>
  phantomStudyFiles(
    generatePhantom({
      dims: [128, 128, 24],
      spacing: [2, 2, 5],
      seed: 500 + n,
      variant: VARIANTS[n % VARIANTS.length],
    }),
    studyId === 'g02' ? 'dicom' : 'nifti',
    studyId,
  );

let root: string;
const reference = new Map<
  string,
  { vector: Record<string, number | null>; probability: number; scores: Record<string, number | null> }
>();
interface Session {
  events: RunnerEvent[];
  progress: BatchProgress[];
  result?: LocalBatchResult;
  /** Every execution the runner knows after the run (the journal keeps earlier runs'). */
  executions: StudyRun[];
}
const sessions: Session[] = [];
let storedSummary: BatchSummary;
let storedCsv: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-batch-'));
  const folder = path.join(root, 'studies');
  const files = new Map(GOOD.map((id, n) => [id, studyFiles(id, n)]));
  for (const [id, study] of files) await writeStudy(path.join(folder, id), study);
  const good = files.get('g03')!;
  await writeStudy(path.join(folder, BAD.clinical), {
    ...good,
    'clinical.json': new TextEncoder().encode('{"age": 61,'),
  });
  await writeStudy(path.join(folder, BAD.image), {
    ...good,
    'image/ct.nii.gz': new Uint8Array(4096).fill(7),
  });
  await writeStudy(path.join(folder, BAD.noImage), { 'clinical.json': good['clinical.json']! });
  await writeStudy(path.join(folder, BAD.name), good);

  // The normal single-study path: upload, manifest event, score run; Fuse's vector is read back from the
  // run's artifacts with Fuse's own reader, and its result from the studies table.
  const single = await startE2eStack();
  try {
    const { readFuseInputs } = await import('../../lambdas/fuse/inputs');
    for (const studyId of REFERENCE) {
      expect((await single.run(studyId, files.get(studyId)!)).status).toBe('SUCCEEDED');
      const { Item } = await single.studies.send(
        new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }),
      );
      const run: StudyRun = {
        studyId,
        manifestVersion: Item!.manifestVersion as string,
        bucket: LOCAL_NAMES.studiesBucket,
        artifacts: {},
      };
      const vector = assembleFeatures(card, await readFuseInputs(run));
      const result = Item!.result as {
        probability: number;
        scores: ClassicScores;
        missingFeatures: string[];
        topFactors: { feature: string; value: number | null }[];
      };
      expect(result.missingFeatures).toEqual(vector.missing);
      const byName = Object.fromEntries(
        vector.names.map((name, n) => [name, Number.isNaN(vector.values[n]!) ? null : vector.values[n]!]),
      );
      for (const factor of result.topFactors) expect(byName[factor.feature]).toBe(factor.value);
      reference.set(studyId, {
        vector: byName,
        probability: result.probability,
        scores: comparedScoreValues(result.scores),
      });
    }
  } finally {
    await single.close();
  }

  // The batch: interrupted after a few outcomes (the stack stopped as Ctrl-C stops it), then run again on
  // the same data.
  const dataDir = path.join(root, 'data');
  for (const interrupt of [true, false]) {
    const stack = await startLocalStack({ dataDir, manifestTrigger: false, inferenceThreads: 1 });
    const session: Session = { events: [], progress: [], executions: [] };
    sessions.push(session);
    stack.stepFunctions.onEvent((event) => session.events.push(event));
    const stop = new AbortController();
    try {
      session.result = await runLocalBatch(stack, {
        folder,
        batchId: BATCH_ID,
        mode: 'score',
        workers: 2,
        signal: stop.signal,
        onProgress: (progress) => {
          session.progress.push(progress);
          const ended = session.progress.filter((p) => p.ended && p.ended.status !== 'SKIPPED').length;
          if (interrupt && ended === INTERRUPT_AFTER) stop.abort(new Error('interrupted'));
        },
      });
      session.executions = stack.stepFunctions.listExecutions().map((e) => JSON.parse(e.input) as StudyRun);
      if (!interrupt) {
        const read = async (key: string) =>
          (
            await stack.s3Client.send(new GetObjectCommand({ Bucket: stack.s3.studiesBucket, Key: key }))
          ).Body!.transformToString();
        storedCsv = await read(batchOutputKeys.features(BATCH_ID));
        storedSummary = JSON.parse(await read(batchOutputKeys.summary(BATCH_ID))) as BatchSummary;
      }
    } finally {
      await stack.stop();
    }
  }
}, 240_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const [first, second] = [() => sessions[0]!, () => sessions[1]!];
const outputs = () => {
  const result = second().result!;
  if (result.interrupted) throw new Error('the second run was interrupted');
  return result.outputs;
};
/** The training table as rows by study id (the table has no quoted field: checked). */
const table = () => {
  const csv = outputs().featuresCsv;
  expect(csv).not.toContain('"');
  const [header, ...rows] = csv
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  return { header: header!, rows: new Map(rows.map((cells) => [cells[0]!, cells])) };
};
const ended = (progress: BatchProgress[], status: string) =>
  progress.flatMap((p) => (p.ended?.status === status ? [p.ended.item] : []));

describe('a local batch over 20 phantom studies', () => {
  it('stops at the interruption and, run again, skips what completed instead of redoing it', () => {
    expect(first().result).toMatchObject({ interrupted: true });
    const completedFirst = ended(first().progress, 'COMPLETED');
    expect(completedFirst.length).toBeGreaterThanOrEqual(INTERRUPT_AFTER);
    expect(ended(second().progress, 'SKIPPED')).toEqual(expect.arrayContaining(completedFirst));

    // Not one new execution or step of a study the first run completed.
    const startedAgain = second().events.filter(
      (e) =>
        (e.type === 'ExecutionStarted' || e.type === 'StepStarted') && completedFirst.includes(e.studyId),
    );
    expect(startedAgain).toEqual([]);
    // Every study has exactly one execution over both runs: the ones in flight at the interruption were
    // resumed by the stack and awaited, not started again; the study refused at upload has none.
    const perStudy = new Map<string, number>();
    for (const run of second().executions) perStudy.set(run.studyId, (perStudy.get(run.studyId) ?? 0) + 1);
    expect(Object.fromEntries(perStudy)).toEqual(
      Object.fromEntries([...GOOD, BAD.clinical, BAD.image].map((id) => [id, 1])),
    );
    expect(second().executions.every((run) => run.batchId === BATCH_ID && run.mode === 'score')).toBe(true);
  });

  it('has one row per good study, identical to what the single-study runs fused', () => {
    const { header, rows } = table();
    expect(header).toEqual([
      'studyId',
      'manifestVersion',
      ...card.features.map((f) => f.name),
      ...COMPARED_SCORES,
      'probability',
      'riskLevel',
    ]);
    expect([...rows.keys()]).toEqual(GOOD);
    for (const [studyId, { vector, probability, scores }] of reference) {
      const cells = rows.get(studyId)!;
      const features = card.features.map((f, n) => cells[2 + n]);
      expect(features).toEqual(
        card.features.map((f) => (vector[f.name] === null ? '' : String(vector[f.name]))),
      );
      // The classic scores of the study's own result, empty where not computable.
      const scoreCells = COMPARED_SCORES.map((_, n) => cells[2 + card.features.length + n]);
      expect(scoreCells).toEqual(
        COMPARED_SCORES.map((name) => (scores[name] === null ? '' : String(scores[name]))),
      );
      expect(Number(cells.at(-2))).toBe(probability);
    }
  });

  it('lists the bad studies with their stage and code, and writes the same outputs under batches/', () => {
    const { summary } = outputs();
    expect(summary).toMatchObject({
      batchId: BATCH_ID,
      mode: 'score',
      model: { name: card.name, version: card.version },
      counts: { total: 20, COMPLETED: 16, FAILED: 4, invalidOutcomes: 0 },
      failures: { byCode: { INPUT_REJECTED: 3, INVALID_ITEM: 1 } },
    });
    expect(summary.failures.items.map(({ item, stage, code }) => [item, stage, code])).toEqual([
      [BAD.name, 'BatchItem', 'INVALID_ITEM'],
      [BAD.clinical, 'Validate', 'INPUT_REJECTED'],
      [BAD.image, 'Validate', 'INPUT_REJECTED'],
      [BAD.noImage, 'Upload', 'INPUT_REJECTED'],
    ]);
    const message = (item: string) => summary.failures.items.find((f) => f.item === item)!.message;
    expect(message(BAD.clinical)).toMatch(/^\[JSON_INVALID\] clinical\.json/);
    expect(message(BAD.image)).toContain('image/ct.nii.gz');
    expect(summary.cost.gpuSecondsBasis).toBe('cost-model');
    expect(summary.cost.gpuSecondsCharged).toBe(16 * 10);
    expect(storedCsv).toBe(outputs().featuresCsv);
    expect(storedSummary).toEqual(JSON.parse(JSON.stringify(summary)));
  });
});
