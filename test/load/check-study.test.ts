import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type GetObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../core/ingest/manifest';
import { PIPELINE_STEPS } from '../../core/pipeline/steps';
import { studyKeys, workKeys } from '../../core/study/keys';
import { executionNameFor } from '../../core/study/study-id';
import type { StudyView } from '../../local/api-client';
import { checkStudy, strayKeys, type StudyEvidence } from '../../local/loadtest/check-study';
import { buildLoadStudies, type LoadStudy } from '../../local/loadtest/load-studies';
import type { RunnerEvent } from '../../local/stack/step-functions/service';

const BUCKET = 'sap-studies';
const [good, other] = buildLoadStudies(2, 'check');
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** What the bucket, the API and the runner hold after `study` ran once and completed as it should. */
function completedRun(study: LoadStudy) {
  const manifestVersion = md5(study.files[MANIFEST_FILE]!);
  const work = workKeys({ studyId: study.studyId, manifestVersion });
  const objects = new Map<string, Uint8Array>([
    ...Object.entries(study.files).map(
      ([path, bytes]) => [studyKeys.incomingPrefix(study.studyId) + path, bytes] as const,
    ),
    [work.volume, new Uint8Array(1)],
    [work.clinical, json({})],
    [work.mask, new Uint8Array(1)],
    [work.inference, json({})],
    [work.radiomics, json({})],
    [
      work.inferenceRequest,
      json({
        studyId: study.studyId,
        bucket: BUCKET,
        volumeKey: work.volume,
        maskKey: work.mask,
        inferenceKey: work.inference,
      }),
    ],
    [work.validation, json({ ok: true, volume: { dims: study.image.dims, hu: study.image.hu } })],
    [studyKeys.explanation(study.studyId), new Uint8Array(1)],
    [studyKeys.report(study.studyId), new Uint8Array(1)],
  ]);
  const view: StudyView = {
    studyId: study.studyId,
    status: 'COMPLETED',
    manifestVersion,
    updatedAt: '2025-01-01T00:00:00.000Z',
    stages: { COMPLETED: '2025-01-01T00:00:00.000Z' },
    // As the API sends it: through JSON.
    result: JSON.parse(JSON.stringify({ probability: 0.3, scores: study.scores })) as Record<string, unknown>,
  };
  const execution = executionNameFor(study.studyId, manifestVersion);
  const at = new Date();
  const events: RunnerEvent[] = [
    { type: 'ExecutionStarted', execution, studyId: study.studyId, at },
    ...PIPELINE_STEPS.map((s) => ({
      type: 'StepSucceeded' as const,
      stage: s.name,
      execution,
      studyId: study.studyId,
      at,
    })),
  ];
  return { objects, view, events, work, manifestVersion };
}

async function check(
  study: LoadStudy,
  change: (
    run: ReturnType<typeof completedRun>,
  ) => Partial<Omit<StudyEvidence, 'study' | 's3' | 'bucket'>> = () => ({}),
) {
  const run = completedRun(study);
  const changed = change(run);
  const client = new S3Client({ region: 'us-east-1' });
  const s3 = mockClient(client);
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    const bytes = run.objects.get(input.Key!);
    if (!bytes) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
    return { Body: { transformToByteArray: async () => bytes } as never };
  });
  s3.on(HeadObjectCommand).resolves({ ETag: `"${run.manifestVersion}"` });
  return checkStudy({
    study,
    s3: client,
    bucket: BUCKET,
    view: run.view,
    events: run.events,
    keys: [...run.objects.keys()],
    ...changed,
  });
}

const kinds = (verdict: Awaited<ReturnType<typeof checkStudy>>) => verdict.problems.map((p) => p.kind);

describe('the load test checks of one study', () => {
  it('find nothing wrong with a study that ran once, completed and kept to its own keys', async () => {
    const verdict = await check(good!);
    expect(verdict).toMatchObject({ status: 'COMPLETED', executions: 1, retries: 0, problems: [] });
  });

  it('count a study without a final status as lost', async () => {
    expect(kinds(await check(good!, () => ({ view: undefined })))).toEqual(['lost']);
    expect(kinds(await check(good!, (run) => ({ view: { ...run.view, status: 'INFERRING' } })))).toEqual([
      'lost',
    ]);
  });

  it('count a second execution, or a step that succeeded twice, as duplicated', async () => {
    const twice = await check(good!, (run) => ({
      events: [...run.events, { ...run.events[0]!, execution: `${run.events[0]!.execution}-again` }],
    }));
    expect(twice.executions).toBe(2);
    expect(kinds(twice)).toContain('duplicated');
    const stepTwice = await check(good!, (run) => ({ events: [...run.events, run.events.at(-1)!] }));
    expect(kinds(stepTwice)).toEqual(['duplicated']);
  });

  it("count another study's scores, image or stored bytes as mixed up", async () => {
    const scores = await check(good!, (run) => ({
      view: {
        ...run.view,
        result: JSON.parse(JSON.stringify({ scores: other!.scores })) as Record<string, unknown>,
      },
    }));
    expect(scores.problems).toEqual([
      { kind: 'mixed-up', message: expect.stringContaining('classic scores') },
    ]);
    const image = await check(good!, (run) => {
      run.objects.set(run.work.validation, json({ volume: { dims: [1, 2, 3], hu: other!.image.hu } }));
      return {};
    });
    expect(image.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('dimensions'),
      expect.stringContaining('HU statistics'),
    ]);
    const bytes = await check(good!, (run) => {
      run.objects.set(studyKeys.clinicalUpload(good!.studyId), other!.files['clinical.json']!);
      return {};
    });
    expect(bytes.problems).toEqual([
      { kind: 'mixed-up', message: 'clinical.json in S3 is not the file uploaded' },
    ]);
  });

  it("count another run's artifacts under the study's work/ folder", async () => {
    const verdict = await check(good!, (run) => ({
      keys: [...run.objects.keys(), `work/${good!.studyId}/v-0000000000000000/volume.nii.gz`],
    }));
    expect(kinds(verdict)).toContain('duplicated');
  });

  it('flag a study that ended otherwise than planned', async () => {
    const verdict = await check(good!, (run) => ({
      view: {
        ...run.view,
        status: 'FAILED',
        error: { stage: 'Fuse', code: 'INTERNAL_ERROR', message: 'boom' },
      },
    }));
    expect(kinds(verdict)).toContain('unexpected-end');
  });
});

describe('strayKeys', () => {
  it("names keys outside every submitted study's prefixes", () => {
    const keys = [
      'incoming/a/manifest.json',
      'work/a/v-1/volume.nii.gz',
      'results/a/report.html',
      'rejected/a/reason.json',
      'inference-output/responses/x.out',
      'incoming/b/manifest.json',
      'x/manifest.json',
      'work/volume.nii.gz',
    ];
    expect(strayKeys(keys, new Set(['a']))).toEqual([
      'incoming/b/manifest.json',
      'x/manifest.json',
      'work/volume.nii.gz',
    ]);
  });
});
