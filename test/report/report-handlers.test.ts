import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeNiftiGz } from '../../core/imaging/nifti';
import type { StudyRun } from '../../core/pipeline/run';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { handler as fuse } from '../../lambdas/fuse/handler';
import { handler as recordFailure } from '../../lambdas/record-failure/handler';
import { REPORT_URL_SECONDS, reportUrl } from '../../lambdas/shared/report-url';
import { demoModelFile, phantomReportInput } from './phantom-study';
import { resultKeys, workKeys } from '../../core/study/keys';

vi.hoisted(() => {
  Object.assign(process.env, { MODELS_BUCKET: 'models', XGBOOST_MODEL_PREFIX: 'models/xgboost/demo-1/' });
  delete process.env.SAP_LOCAL_S3;
});

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const run: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'studies', artifacts: {} };
const WORK = workKeys(run).prefix;
const { phantom, input } = phantomReportInput();
const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas'));
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const objects: Record<string, Uint8Array> = {
  [`studies/${WORK}clinical.json`]: json({ clinical: input.clinical }),
  [`studies/${WORK}radiomics.json`]: json(radiomics),
  [`studies/${WORK}inference.json`]: json(input.inference),
  [`studies/${WORK}volume.nii.gz`]: encodeNiftiGz(phantom.volume),
  [`studies/${WORK}mask.nii.gz`]: encodeNiftiGz(phantom.mask),
  'models/models/xgboost/demo-1/model-card.json': demoModelFile('model-card.json'),
  'models/models/xgboost/demo-1/model.ubj': demoModelFile('model.ubj'),
};

/** Writes in the order they happened, S3 and DynamoDB together. */
let writes: string[] = [];

beforeEach(() => {
  writes = [];
  s3.reset();
  ddb.reset();
  for (const [path, bytes] of Object.entries(objects)) {
    const [bucket, ...key] = path.split('/');
    s3.on(GetObjectCommand, { Bucket: bucket, Key: key.join('/') }).resolves({
      Body: { transformToByteArray: async () => bytes } as never,
    });
  }
  s3.on(PutObjectCommand).callsFake((put: PutObjectCommandInput) => {
    writes.push(`s3:${put.Key}`);
    return {};
  });
  ddb.on(UpdateCommand).callsFake((update: { ExpressionAttributeValues?: Record<string, unknown> }) => {
    writes.push(`status:${String(update.ExpressionAttributeValues?.[':status'])}`);
    return {};
  });
});

const put = (key: string) =>
  s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key)?.args[0].input;

describe('Fuse writes the study report', () => {
  it("puts the run's report.html, an HTML page of the result and the CT, before the study is COMPLETED", async () => {
    const next = await fuse(run);
    const own = resultKeys(run);
    expect(next.artifacts.report).toBe(own.report);
    // The run's own files first; the study's latest copies only once its result is stored, so a run
    // overtaken by a re-upload never overwrites what the newer run published.
    expect(writes).toEqual([
      'status:SCORING',
      `s3:${own.explanation}`,
      `s3:${own.report}`,
      `s3:${own.riskAssessment}`,
      'status:COMPLETED',
      's3:results/s1/explanation.svg',
      's3:results/s1/report.html',
      's3:results/s1/risk-assessment.json',
    ]);
    expect(String(put('results/s1/report.html')!.Body)).toBe(String(put(own.report)!.Body));
    const report = put(own.report)!;
    expect(report.ContentType).toBe('text/html; charset=utf-8');
    const html = String(report.Body);
    const stored = ddb.commandCalls(UpdateCommand)[1]!.args[0].input.ExpressionAttributeValues?.[
      ':result'
    ] as {
      probability: number;
    };
    expect(html).toContain(`${(stored.probability * 100).toFixed(0)} % — `);
    expect(html).toContain('<th>Study</th><td>s1</td>');
    expect(html).toContain('unet-demo demo-1');
    expect(html).toContain('id="synthetic"');
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(8);
    expect(html).toContain('<svg ');
  });

  it('still reports a study whose inference.json it cannot read, without its model versions', async () => {
    s3.on(GetObjectCommand, { Bucket: 'studies', Key: `${WORK}inference.json` }).resolves({
      Body: { transformToByteArray: async () => json({ probability: 0.4 }) } as never,
    });
    await fuse(run);
    const html = String(put('results/s1/report.html')!.Body);
    expect(html).not.toContain('unet-demo');
    expect(html).toContain('id="probability"');
  });
});

describe('record-failure writes the failure report', () => {
  const Cause = JSON.stringify({
    errorType: 'MASK_EMPTY',
    errorMessage: 'mask is empty: the segmentation found no pancreas',
  });
  const failure = { run, stage: 'Radiomics' as const, error: { Error: 'MASK_EMPTY', Cause } };

  it('puts results/{id}/report.html with the stage, code and message after marking the study FAILED', async () => {
    await recordFailure(failure);
    expect(writes).toEqual(['status:FAILED', 's3:rejected/s1/reason.json', 's3:results/s1/report.html']);
    const report = put('results/s1/report.html')!;
    expect(report.ContentType).toBe('text/html; charset=utf-8');
    const html = String(report.Body);
    expect(html).toContain('<th>Stage</th><td>Radiomics</td>');
    expect(html).toContain('<th>Code</th><td>MASK_EMPTY</td>');
    expect(html).toContain('<li>mask is empty: the segmentation found no pancreas</li>');
  });

  it('writes no report for a superseded run', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    expect((await recordFailure(failure)).code).toBe('MASK_EMPTY');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('reportUrl', () => {
  it("presigns a 15-minute GET of a completed study's own report, a failed study's results/{id}/report.html", async () => {
    const study = { studyId: 's1', manifestVersion: 'v1' };
    const url = new URL(await reportUrl('sap-studies', { ...study, status: 'COMPLETED' }));
    expect(url.hostname).toBe('sap-studies.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe(`/${resultKeys(study).report}`);
    const failed = new URL(await reportUrl('sap-studies', { ...study, status: 'FAILED' }));
    expect(failed.pathname).toBe('/results/s1/report.html');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(REPORT_URL_SECONDS));
    expect(REPORT_URL_SECONDS).toBe(900);
    expect(url.searchParams.get('response-content-type')).toBe('text/html; charset=utf-8');
    expect(s3.calls()).toHaveLength(0);
  });
});
