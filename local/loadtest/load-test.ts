import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mapLimited } from '../../core/async/map-limited';
import { FINAL_STATUSES, type StudyStatus } from '../../core/study/status';
import { ResultsApiClient, type StudyView } from '../api-client';
import { startLocalStack } from '../stack/stack';
import type { RunnerEvent } from '../stack/step-functions/service';
import { checkStudy, strayKeys, type ProblemKind, type StudyVerdict } from './check-study';
import { buildLoadStudies, type LoadStudy } from './load-studies';
import { submitStudy, type Submission } from './submit-study';

/** Bounds of one load test: it runs on this machine, so it must end and must not eat it. */
export const LOAD_LIMITS = { maxStudies: 500, maxTimeoutMinutes: 120 } as const;
export const LOAD_DEFAULTS = { studies: 50, timeoutMinutes: 20 } as const;
/** Every REPEAT_EVERY-th study sends its manifest twice: the duplicate event must start nothing. */
const REPEAT_EVERY = 7;
const POLL_MS = 500;
/** GET /studies?status= page size: the API's maximum. */
const PAGE_LIMIT = 100;

export interface LoadTestOptions {
  /** Studies submitted at once. Default 50. */
  studies?: number;
  /** The whole test (submitting, waiting, checking) gives up after this. Default 20. */
  timeoutMinutes?: number;
  /** onnxruntime threads of the inference server. Default: every core. */
  inferenceThreads?: number;
  /** One line per milestone (submitted, progress while waiting, checked). */
  onProgress?: (message: string) => void;
}

export interface LoadFigures {
  requested: number;
  /** Studies whose every upload, manifest last, was acknowledged. */
  submitted: number;
  completed: number;
  failed: number;
  /** Studies that reached no final state (or lost an upload or artifact). */
  lost: number;
  /** Studies run more than once for one manifest version, or with a step that succeeded twice. */
  duplicated: number;
  /** Studies whose result, artifacts or recorded inputs are not their own. */
  mixedUp: number;
  /** Studies that ended otherwise than planned (a good one FAILED, a bad one with another reason). */
  unexpectedEnd: number;
  /** Manifests uploaded twice on purpose (a duplicate event each). */
  repeatedManifests: number;
  /** Step attempts after the first, over all studies. */
  retries: number;
  /** Keys in the studies bucket outside every submitted study's own prefixes. */
  strayKeys: string[];
  /** From the client's first request to the final status the API reports; over finished studies. */
  latencySeconds?: { p50: number; p95: number; max: number };
  /** Finished studies per minute, from the first submission to the last final status. */
  throughputPerMinute: number;
  wallSeconds: number;
  /** One line per problem: `studyId: kind: what`. */
  problems: string[];
}

/** Whether the run showed no study lost, duplicated, mixed up or ending otherwise than planned. */
export function loadPassed(figures: LoadFigures): boolean {
  return (
    figures.submitted === figures.requested &&
    figures.problems.length === 0 &&
    figures.strayKeys.length === 0 &&
    figures.completed + figures.failed === figures.submitted
  );
}

/**
 * The load test of issue #8: starts a local stack (loopback only, its data in a temporary folder), submits
 * the studies at once through the results API's presigned uploads as `sap submit` does, waits until the
 * API reports every one COMPLETED or FAILED (or the time is up), then checks each study and the bucket.
 */
export async function runLoadTest(options: LoadTestOptions = {}): Promise<LoadFigures> {
  const count = options.studies ?? LOAD_DEFAULTS.studies;
  const timeoutMinutes = options.timeoutMinutes ?? LOAD_DEFAULTS.timeoutMinutes;
  if (!Number.isInteger(count) || count < 1 || count > LOAD_LIMITS.maxStudies)
    throw new RangeError(`studies must be a whole number from 1 to ${LOAD_LIMITS.maxStudies}`);
  if (!(timeoutMinutes > 0 && timeoutMinutes <= LOAD_LIMITS.maxTimeoutMinutes))
    throw new RangeError(
      `the timeout must be more than 0 and at most ${LOAD_LIMITS.maxTimeoutMinutes} minutes`,
    );
  const progress = options.onProgress ?? (() => undefined);
  const began = Date.now();
  const deadline = began + timeoutMinutes * 60_000;

  const studies = buildLoadStudies(count, 'load');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sap-loadtest-'));
  const stack = await startLocalStack({ dataDir, inferenceThreads: options.inferenceThreads });
  const events: RunnerEvent[] = [];
  const stopRecording = stack.stepFunctions.onEvent((event) => events.push(event));
  const api = new ResultsApiClient({ baseUrl: stack.apiUrl, signed: false });
  try {
    progress(`stack up; submitting ${count} studies at once`);
    const submissions = await Promise.allSettled(
      studies.map((study, index) =>
        submitStudy(stack.apiUrl, study.studyId, study.files, index % REPEAT_EVERY === REPEAT_EVERY - 1),
      ),
    );
    const submitted = new Map<string, Submission>();
    const problems: string[] = [];
    submissions.forEach((outcome, index) => {
      const { studyId } = studies[index]!;
      if (outcome.status === 'fulfilled') submitted.set(studyId, outcome.value);
      else problems.push(`${studyId}: submit: ${(outcome.reason as Error).message}`);
    });
    progress(`${submitted.size} submitted in ${((Date.now() - began) / 1000).toFixed(1)} s; waiting`);

    await waitUntilFinal(stack.apiUrl, new Set(submitted.keys()), deadline, progress);
    // Nothing may still be running when duplicates are counted; bounded by what is left of the time.
    await beforeDeadline(stack.idle(), deadline);

    const keys = await listKeys(stack.s3Client, stack.s3.studiesBucket);
    const verdicts = await mapLimited(
      studies.filter((s) => submitted.has(s.studyId)),
      8,
      async (study) => {
        const view = await api.getStudy(study.studyId);
        return {
          study,
          view,
          verdict: await checkStudy({
            study,
            view,
            events: events.filter((e) => e.studyId === study.studyId),
            s3: stack.s3Client,
            bucket: stack.s3.studiesBucket,
            keys,
          }),
        };
      },
    );
    progress('checked every study and the bucket');
    return figuresOf(studies, submitted, verdicts, keys, problems, began);
  } finally {
    stopRecording();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Polls the API's status listing until every id is COMPLETED or FAILED, or the deadline. */
async function waitUntilFinal(
  apiUrl: string,
  ids: ReadonlySet<string>,
  deadline: number,
  progress: (message: string) => void,
): Promise<void> {
  let reported = 0;
  while (Date.now() < deadline) {
    const final = new Set<string>();
    for (const status of FINAL_STATUSES)
      for (const view of await listByStatus(apiUrl, status))
        if (ids.has(view.studyId)) final.add(view.studyId);
    if (final.size === ids.size) return;
    if (Date.now() - reported > 10_000) {
      progress(`${final.size}/${ids.size} final`);
      reported = Date.now();
    }
    await sleep(POLL_MS);
  }
}

/** Waits for `work` or the deadline, whichever comes first, leaving no timer behind. */
async function beforeDeadline(work: Promise<void>, deadline: number): Promise<void> {
  const timer = new AbortController();
  try {
    await Promise.race([
      work,
      sleep(Math.max(0, deadline - Date.now()), undefined, { signal: timer.signal }),
    ]);
  } finally {
    timer.abort();
  }
}

/** GET /studies?status=, every page: what a client polling the local API sees. */
async function listByStatus(apiUrl: string, status: StudyStatus): Promise<StudyView[]> {
  const studies: StudyView[] = [];
  let next: string | undefined;
  do {
    const query = new URLSearchParams({ status, limit: String(PAGE_LIMIT), ...(next ? { next } : {}) });
    const response = await fetch(`${apiUrl}/studies?${query}`);
    if (!response.ok) throw new Error(`GET /studies?status=${status}: HTTP ${response.status}`);
    const page = (await response.json()) as { studies: StudyView[]; next?: string };
    studies.push(...page.studies);
    next = page.next;
  } while (next);
  return studies;
}

async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

function figuresOf(
  studies: LoadStudy[],
  submitted: Map<string, Submission>,
  checked: { study: LoadStudy; view?: StudyView; verdict: StudyVerdict }[],
  keys: string[],
  problems: string[],
  began: number,
): LoadFigures {
  const withKind = (kind: ProblemKind) =>
    checked.filter(({ verdict }) => verdict.problems.some((p) => p.kind === kind)).length;
  const finished = checked.flatMap(({ study, view }) => {
    const at = view && FINAL_STATUSES.includes(view.status) ? view.stages[view.status] : undefined;
    return at ? [{ startedAt: submitted.get(study.studyId)!.startedAt, endedAt: Date.parse(at) }] : [];
  });
  const latencies = finished.map((f) => (f.endedAt - f.startedAt) / 1000).sort((a, b) => a - b);
  const firstStart = Math.min(...[...submitted.values()].map((s) => s.startedAt));
  const lastEnd = Math.max(...finished.map((f) => f.endedAt));
  for (const { verdict } of checked)
    for (const p of verdict.problems) problems.push(`${verdict.studyId}: ${p.kind}: ${p.message}`);
  return {
    requested: studies.length,
    submitted: submitted.size,
    completed: checked.filter(({ verdict }) => verdict.status === 'COMPLETED').length,
    failed: checked.filter(({ verdict }) => verdict.status === 'FAILED').length,
    lost: withKind('lost') + (studies.length - submitted.size),
    duplicated: withKind('duplicated'),
    mixedUp: withKind('mixed-up'),
    unexpectedEnd: withKind('unexpected-end'),
    repeatedManifests: [...submitted.values()].filter((s) => s.manifestUploads > 1).length,
    retries: checked.reduce((sum, { verdict }) => sum + verdict.retries, 0),
    strayKeys: strayKeys(keys, new Set(submitted.keys())),
    latencySeconds:
      latencies.length > 0
        ? { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.at(-1)! }
        : undefined,
    throughputPerMinute: finished.length > 0 ? finished.length / ((lastEnd - firstStart) / 60_000) : 0,
    wallSeconds: (Date.now() - began) / 1000,
    problems,
  };
}

/** Nearest-rank percentile of an ascending sample. */
export function percentile(ascending: readonly number[], p: number): number {
  return ascending[Math.max(0, Math.ceil(p * ascending.length) - 1)]!;
}
