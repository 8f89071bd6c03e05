import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import type { StageName } from '../../core/pipeline/steps';
import { studyKeys, workKeys } from '../../core/study/keys';
import { ResultsApiClient, type StudyView } from '../api-client';
import { main } from '../../cli/main';
import { stageTimings, recordRunnerEvents, type StageTiming } from '../stack/progress';
import { describeNotice, startLocalStack, type LocalStack } from '../stack/stack';
import { writeSampleStudy, type SampleStudy } from './sample-study';

/** The manifest's arrival starts a run within moments; this long without one means it never will. */
const START_WAIT_SECONDS = 60;

export type DemoProgress =
  | { kind: 'stack'; seconds: number; apiUrl: string; s3Endpoint: string }
  | { kind: 'sample'; study: SampleStudy; seconds: number }
  | { kind: 'submitted'; studyId: string; seconds: number }
  | { kind: 'stage-started'; stage: StageName; attempt: number }
  | { kind: 'stage-ended'; stage: StageName; seconds: number; succeeded: boolean };

export interface DemoOptions {
  /** Where the sample study, the explanation chart, the mask and the report are written. */
  outDir: string;
  /** Default: models/demo (the stack's default). */
  modelDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DemoProgress) => void;
}

export interface DemoOutcome {
  studyId: string;
  /** The study as the results API returns it. */
  study: StudyView;
  stages: StageTiming[];
  /** From the first byte uploaded to the end of the run. */
  uploadToResultSeconds: number;
  totalSeconds: number;
  /** Local copies of what the pipeline wrote, where it wrote them. */
  files: { study: string; explanation?: string; mask?: string; report?: string };
}

/**
 * The whole pipeline on the sample study: a fresh local stack (its data in a temporary folder, removed
 * afterwards), the sample submitted as `sap submit` does (results API → presigned uploads → manifest last),
 * the run followed stage by stage, the result read from the results API and the artifacts copied out.
 */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const started = performance.now();
  const seconds = (since: number) => (performance.now() - since) / 1000;
  const progress = options.onProgress ?? (() => undefined);
  await mkdir(options.outDir, { recursive: true });

  let at = performance.now();
  const sample = await writeSampleStudy(path.join(options.outDir, 'study'));
  progress({ kind: 'sample', study: sample, seconds: seconds(at) });

  const dataDir = await mkdtemp(path.join(tmpdir(), 'sap-demo-'));
  let stack: LocalStack | undefined;
  try {
    at = performance.now();
    // A lost event or an inference that cannot finish would leave the wait below without an end.
    const broken = new AbortController();
    stack = await startLocalStack({
      dataDir,
      modelDir: options.modelDir,
      onNotice: (notice) => broken.abort(new Error(describeNotice(notice))),
    });
    progress({ kind: 'stack', seconds: seconds(at), apiUrl: stack.apiUrl, s3Endpoint: stack.s3.endpoint });
    const recorder = recordRunnerEvents(stack.stepFunctions);
    stack.stepFunctions.onEvent((event) => {
      if (event.type === 'StepStarted')
        progress({ kind: 'stage-started', stage: event.stage, attempt: event.attempt });
      if (
        event.type === 'StepSucceeded' ||
        (event.type === 'StepFailed' && event.retryInSeconds === undefined)
      ) {
        const timing = stageTimings(recorder.events, event.studyId).find((t) => t.stage === event.stage);
        if (timing)
          progress({
            kind: 'stage-ended',
            stage: event.stage,
            seconds: timing.seconds,
            succeeded: timing.succeeded,
          });
      }
    });

    const uploadStart = performance.now();
    const studyId = await submit(sample.folder, stack.apiUrl);
    progress({ kind: 'submitted', studyId, seconds: seconds(uploadStart) });
    const noRun = setTimeout(() => {
      if (!recorder.events.some((e) => e.studyId === studyId))
        broken.abort(
          new Error(`the upload of study ${studyId} started no run within ${START_WAIT_SECONDS} s`),
        );
    }, START_WAIT_SECONDS * 1000);
    try {
      await recorder.ended(
        studyId,
        AbortSignal.any([broken.signal, ...(options.signal ? [options.signal] : [])]),
      );
    } finally {
      clearTimeout(noRun);
    }
    const uploadToResultSeconds = seconds(uploadStart);

    const study = await new ResultsApiClient({ baseUrl: stack.apiUrl, signed: false }).getStudy(studyId);
    if (!study) throw new Error(`the results API does not know study ${studyId} after its run`);
    const copy = (key: string, name: string) => copyOut(stack!, key, path.join(options.outDir, name));
    const [explanation, mask, report] = await Promise.all([
      copy(studyKeys.explanation(studyId), 'explanation.svg'),
      copy(workKeys(study).mask, 'mask.nii.gz'),
      copy(studyKeys.report(studyId), 'report.html'),
    ]);
    recorder.dispose();
    return {
      studyId,
      study,
      stages: stageTimings(recorder.events, studyId),
      uploadToResultSeconds,
      totalSeconds: seconds(started),
      files: { study: sample.folder, explanation, mask, report },
    };
  } finally {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `sap submit <folder> --endpoint <api> --json`, as a user runs it; returns the studyId it printed. */
async function submit(folder: string, apiUrl: string): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (text: string) => out.push(text), err: (text: string) => err.push(text) };
  const code = await main(['submit', folder, '--endpoint', apiUrl, '--json'], io);
  if (code !== 0) throw new Error(`sap submit failed: ${err.join('\n')}`);
  return (JSON.parse(out.join('\n')) as { studyId: string }).studyId;
}

/** The object written to `file`; undefined when the pipeline did not write it. */
async function copyOut(stack: LocalStack, key: string, file: string): Promise<string | undefined> {
  try {
    const object = await stack.s3Client.send(
      new GetObjectCommand({ Bucket: stack.s3.studiesBucket, Key: key }),
    );
    await writeFile(file, await object.Body!.transformToByteArray());
    return file;
  } catch (error) {
    if (error instanceof NoSuchKey) {
      await rm(file, { force: true });
      return undefined;
    }
    throw error;
  }
}
