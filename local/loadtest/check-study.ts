import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StageName } from '../../core/pipeline/steps';
import { studyKeys, workKeys, type RunIdentity } from '../../core/study/keys';
import { executionNameFor } from '../../core/study/study-id';
import type { StudyView } from '../api-client';
import type { RunnerEvent } from '../stack/step-functions/service';
import { uploadedChecksums, type LoadStudy } from './load-studies';

/** What went wrong with one study, by kind: the figures count studies with at least one of a kind. */
export type ProblemKind = 'lost' | 'duplicated' | 'mixed-up' | 'unexpected-end';

export interface StudyVerdict {
  studyId: string;
  /** The final status the results API reports, or undefined when the study never reached one. */
  status?: 'COMPLETED' | 'FAILED';
  /** Executions started for this study (one manifest version each): exactly 1 is right. */
  executions: number;
  /** Step attempts after the first (retries of transient errors; not a duplicate result). */
  retries: number;
  problems: { kind: ProblemKind; message: string }[];
}

export interface StudyEvidence {
  study: LoadStudy;
  /** GET /studies/{id}, or undefined when the API does not know the study. */
  view?: StudyView;
  /** The runner's events for this study. */
  events: RunnerEvent[];
  s3: S3Client;
  bucket: string;
  /** Every key in the studies bucket. */
  keys: readonly string[];
}

/** The artifacts a COMPLETED run leaves under its own work/ prefix, and nothing else. */
const COMPLETED_WORK_FILES = [
  'volume',
  'clinical',
  'mask',
  'inference',
  'inferenceRequest',
  'radiomics',
  'validation',
] as const;

/**
 * Checks one study end to end: that it ended (not lost), ran once per manifest version (not duplicated),
 * that everything it produced is its own (not mixed up: ids, manifest version, the stored uploads' sha256,
 * the image Validate read, the clinical scores in its result, its keys), and that it ended as planned.
 */
export async function checkStudy(evidence: StudyEvidence): Promise<StudyVerdict> {
  const { study, view, events } = evidence;
  const problems: StudyVerdict['problems'] = [];
  const problem = (kind: ProblemKind, message: string) => problems.push({ kind, message });
  const started = events.filter((e) => e.type === 'ExecutionStarted');
  const verdict: StudyVerdict = {
    studyId: study.studyId,
    executions: new Set(started.map((e) => e.execution)).size,
    retries: events.filter((e) => e.type === 'StepStarted' && e.attempt > 1).length,
    problems,
  };
  checkOnce(events, verdict.executions, problem);
  if (!view || (view.status !== 'COMPLETED' && view.status !== 'FAILED')) {
    problem('lost', `no final status (the API answers ${view ? view.status : 'no such study'})`);
    return verdict;
  }
  verdict.status = view.status;
  if (view.studyId !== study.studyId) problem('mixed-up', `the API answered for ${view.studyId}`);
  const run: RunIdentity = { studyId: study.studyId, manifestVersion: view.manifestVersion };
  const names = new Set(started.map((e) => e.execution));
  if (names.size === 1 && !names.has(executionNameFor(run.studyId, run.manifestVersion)))
    problem('mixed-up', 'its execution ran another manifest version than the one on the study');

  await checkUploads(evidence, run, problem);
  checkKeys(evidence, run, view.status, problem);
  if (view.status === 'COMPLETED') await checkCompleted(evidence, view, run, problem);
  else await checkFailed(evidence, run, problem);
  checkPlannedEnd(study, view, problem);
  return verdict;
}

type Report = (kind: ProblemKind, message: string) => void;

function checkOnce(events: RunnerEvent[], executions: number, problem: Report): void {
  if (executions > 1) problem('duplicated', `${executions} executions for one manifest version`);
  const succeeded = new Map<StageName, number>();
  for (const event of events)
    if (event.type === 'StepSucceeded') succeeded.set(event.stage, (succeeded.get(event.stage) ?? 0) + 1);
  for (const [stage, times] of succeeded)
    if (times > 1) problem('duplicated', `${stage} succeeded ${times} times`);
}

/** The stored originals are the bytes uploaded, and the manifest version on the study is that manifest's. */
async function checkUploads(evidence: StudyEvidence, run: RunIdentity, problem: Report): Promise<void> {
  const { study, s3, bucket } = evidence;
  for (const [path, sha256] of uploadedChecksums(study.files)) {
    const key = studyKeys.incomingPrefix(study.studyId) + path;
    const stored = await getBytes(s3, bucket, key);
    if (!stored) problem('lost', `the upload ${path} is gone`);
    else if (createHash('sha256').update(stored).digest('hex') !== sha256)
      problem('mixed-up', `${path} in S3 is not the file uploaded`);
  }
  const head = await s3
    .send(new HeadObjectCommand({ Bucket: bucket, Key: studyKeys.manifest(study.studyId) }))
    .catch(() => undefined);
  // S3 events carry the ETag without the quotes HeadObject keeps.
  if (head && (head.VersionId ?? head.ETag?.replace(/"/g, '')) !== run.manifestVersion)
    problem('mixed-up', `the study records manifest version ${run.manifestVersion}, S3 holds another`);
}

/** Every key of the study lies under its own prefixes, with one run's work/ folder. */
function checkKeys(evidence: StudyEvidence, run: RunIdentity, status: string, problem: Report): void {
  const work = workKeys(run);
  const workOfStudy = evidence.keys.filter((key) => key.startsWith(`work/${run.studyId}/`));
  const foreign = workOfStudy.filter((key) => !key.startsWith(work.prefix));
  if (foreign.length > 0) problem('duplicated', `work/ holds another run's artifacts: ${foreign[0]}`);
  if (status !== 'COMPLETED') return;
  // A DICOM upload's Validate also records the series it read, for the DICOM SEG.
  const dicom = Object.keys(evidence.study.files).some((name) => name.endsWith('.dcm'));
  const names = dicom ? [...COMPLETED_WORK_FILES, 'dicomSource' as const] : COMPLETED_WORK_FILES;
  const expected = names.map((name) => work[name]).sort();
  if (!isDeepStrictEqual([...workOfStudy].sort(), expected))
    problem('mixed-up', `work/ holds ${workOfStudy.length} artifacts, not the ${expected.length} of one run`);
}

async function checkCompleted(
  evidence: StudyEvidence,
  view: StudyView,
  run: RunIdentity,
  problem: Report,
): Promise<void> {
  const { study, s3, bucket } = evidence;
  const work = workKeys(run);
  const request = await getJson(s3, bucket, work.inferenceRequest);
  const pointers = {
    studyId: run.studyId,
    volumeKey: work.volume,
    maskKey: work.mask,
    inferenceKey: work.inference,
  };
  if (!isDeepStrictEqual({ ...(request as object), ...pointers }, request))
    problem('mixed-up', "the inference request points at another run's artifacts");
  const validation = (await getJson(s3, bucket, work.validation)) as {
    volume?: { dims: unknown; hu: unknown };
  };
  if (!isDeepStrictEqual(validation.volume?.dims, study.image.dims))
    problem('mixed-up', "Validate read an image with another study's dimensions");
  if (!isDeepStrictEqual(validation.volume?.hu, study.image.hu))
    problem('mixed-up', "Validate read an image with another study's HU statistics");
  const scores = (view.result as { scores?: unknown } | undefined)?.scores;
  if (!isDeepStrictEqual(scores, JSON.parse(JSON.stringify(study.scores ?? null))))
    problem('mixed-up', "the result's classic scores are not those of this study's clinical.json");
  for (const key of [studyKeys.explanation(study.studyId), studyKeys.report(study.studyId)])
    if (!evidence.keys.includes(key)) problem('lost', `${key} is missing`);
}

async function checkFailed(evidence: StudyEvidence, run: RunIdentity, problem: Report): Promise<void> {
  const reason = (await getJson(evidence.s3, evidence.bucket, studyKeys.rejection(run.studyId))) as
    { studyId?: string; manifestVersion?: string } | undefined;
  if (reason?.studyId !== run.studyId || reason.manifestVersion !== run.manifestVersion)
    problem('mixed-up', 'rejected/ reason.json is missing or names another study or version');
}

function checkPlannedEnd(study: LoadStudy, view: StudyView, problem: Report): void {
  const planned = study.planned;
  if (planned.status === 'COMPLETED') {
    if (view.status !== 'COMPLETED')
      problem(
        'unexpected-end',
        `FAILED at ${view.error?.stage} (${view.error?.code}: ${view.error?.message.slice(0, 300)}), planned to complete`,
      );
    return;
  }
  const error = view.error;
  if (
    view.status !== 'FAILED' ||
    error?.stage !== planned.stage ||
    error.code !== planned.code ||
    !error.message.includes(planned.issue)
  )
    problem(
      'unexpected-end',
      `ended ${view.status} ${error ? `${error.stage}/${error.code}` : ''}, planned FAILED ` +
        `${planned.stage}/${planned.code} with ${planned.issue}`,
    );
}

async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await object.Body?.transformToByteArray();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

async function getJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const bytes = await getBytes(s3, bucket, key);
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as unknown) : undefined;
}

/** Keys in the bucket that belong to none of the submitted studies' prefixes (nor the endpoint's output). */
export function strayKeys(keys: readonly string[], studyIds: ReadonlySet<string>): string[] {
  return keys.filter((key) => {
    if (key.startsWith('inference-output/')) return false;
    const [area, studyId] = key.split('/');
    const ownArea = area === 'incoming' || area === 'work' || area === 'results' || area === 'rejected';
    return !(ownArea && studyId !== undefined && studyIds.has(studyId));
  });
}
