/**
 * Shared by the reliability tests: a study that completes, reading a study's record and events, and the
 * checks every fault test makes (retry delays within the step's policy, originals kept byte for byte).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { PIPELINE_STEPS, type StageName } from '../../core/pipeline/steps';
import { studyKeys } from '../../core/study/keys';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import type { StudyItem } from '../../lambdas/shared/studies-table';
import type { RunnerEvent } from '../../local/stack/step-functions/service';
import { recordRunnerEvents } from '../../local/stack/progress';
import type { LocalStackOptions } from '../../local/stack/stack';
import { startE2eStack, type E2eStack } from '../e2e/local-stack';

/** The smallest phantom the demo U-Net takes whole (test/e2e/pipeline.test.ts): the study completes. */
export const COMPLETING_PHANTOM = generatePhantom({
  dims: [128, 128, 40],
  spacing: [2, 2, 5],
  seed: 11,
  variant: ['necrotising', 'pleural-effusion'],
});

export const completingStudy = (studyId: string) => phantomStudyFiles(COMPLETING_PHANTOM, 'nifti', studyId);

export async function studyItem(e2e: E2eStack, studyId: string): Promise<StudyItem | undefined> {
  const { Item } = await e2e.studies.send(
    new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }),
  );
  return Item as StudyItem | undefined;
}

type StepFailed = Extract<RunnerEvent, { type: 'StepFailed' }>;

export const stepFailures = (events: readonly RunnerEvent[], studyId: string, stage?: StageName) =>
  events.filter(
    (e): e is StepFailed =>
      e.type === 'StepFailed' && e.studyId === studyId && (stage === undefined || e.stage === stage),
  );

/** How many times each stage of the study's runs started (attempts). */
export function attempts(
  events: readonly RunnerEvent[],
  studyId: string,
): Partial<Record<StageName, number>> {
  const counts: Partial<Record<StageName, number>> = {};
  for (const e of events)
    if (e.type === 'StepStarted' && e.studyId === studyId) counts[e.stage] = (counts[e.stage] ?? 0) + 1;
  return counts;
}

/**
 * Every retry waited at most the step's capped exponential backoff (full jitter: anywhere from 0 up to
 * it), scaled by the stack's time scale, and the delays were not all the same (jitter).
 */
export function expectRetriesWithinPolicy(failures: readonly StepFailed[], timeScale: number): number[] {
  const delays: number[] = [];
  for (const failure of failures) {
    if (failure.retryInSeconds === undefined) continue;
    const { retry } = PIPELINE_STEPS.find((s) => s.name === failure.stage)!;
    const cap = Math.min(
      retry.intervalSeconds * retry.backoffRate ** (failure.attempt - 1),
      retry.maxDelaySeconds,
    );
    expect(failure.attempt).toBeLessThanOrEqual(retry.maxAttempts);
    expect(failure.retryInSeconds).toBeGreaterThanOrEqual(0);
    expect(failure.retryInSeconds).toBeLessThanOrEqual(cap * timeScale);
    delays.push(failure.retryInSeconds);
  }
  return delays;
}

/** The uploaded files are still under incoming/{studyId}/, byte for byte. */
export async function expectOriginalsKept(
  e2e: E2eStack,
  studyId: string,
  files: Record<string, Uint8Array>,
): Promise<void> {
  const prefix = studyKeys.incomingPrefix(studyId);
  const stored = await e2e.objects(prefix);
  expect(new Map([...stored].map(([key, bytes]) => [key.slice(prefix.length), Buffer.from(bytes)]))).toEqual(
    new Map(Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes)])),
  );
}

/** The failure record of a FAILED study: on the item and in rejected/{id}/reason.json, the same. */
export async function expectFailedWith(
  e2e: E2eStack,
  studyId: string,
  failure: { stage: StageName; code: string; message: RegExp },
): Promise<void> {
  const item = await studyItem(e2e, studyId);
  expect(item).toMatchObject({ status: 'FAILED', error: { stage: failure.stage, code: failure.code } });
  expect(item!.error!.message).toMatch(failure.message);
  expect(item!.result).toBeUndefined();
  const reason = (await e2e.objects(studyKeys.rejection(studyId))).get(studyKeys.rejection(studyId));
  expect(JSON.parse(new TextDecoder().decode(reason))).toMatchObject(item!.error!);
}

export type RunnerRecorder = ReturnType<typeof recordRunnerEvents>;

/**
 * One local stack for the test file, at `timeScale`, with its runner's events recorded and its faults cleared
 * after each test; `started` hands the stack and the recorder to the file's own variables.
 */
export function stackPerFile(
  timeScale: number,
  started: (stack: { e2e: E2eStack; recorder: RunnerRecorder }) => void,
  options: Omit<LocalStackOptions, 'dataDir' | 'timeScale'> = {},
): void {
  let e2e: E2eStack | undefined;
  let recorder: RunnerRecorder | undefined;
  beforeAll(async () => {
    e2e = await startE2eStack({ ...options, timeScale });
    recorder = recordRunnerEvents(e2e.stack.stepFunctions);
    started({ e2e, recorder });
  });
  afterEach(() => e2e?.stack.faults.clear());
  afterAll(async () => {
    recorder?.dispose();
    await e2e?.close();
  });
}
