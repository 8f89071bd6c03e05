import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMaskNifti } from '../../core/imaging/mask';
import { generatePhantom, phantomStudyFiles, type PhantomImageFormat } from '../../core/phantom';
import { resultKeys, studyKeys, workKeys } from '../../core/study/keys';
import { PROGRESS } from '../../core/study/status';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { checkWithPydicom, pydicomMissing } from '../dicom-seg/seg-case';
import { fhirSchemaErrors } from '../support/fhir-schema';
import { startE2eStack, type E2eStack } from './local-stack';

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack();
});
afterAll(() => e2e?.close());

/** Small (2 mm in plane, 5 mm slices: what validation accepts) but wider than one U-Net window. */
const phantom = generatePhantom({
  dims: [128, 128, 40],
  spacing: [2, 2, 5],
  seed: 11,
  variant: ['necrotising', 'pleural-effusion'],
});

const studyItem = async (studyId: string) =>
  (await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }))).Item;

const apiGet = async (path: string) => {
  const response = await fetch(`${e2e.stack.apiUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('the local stack, end to end', () => {
  it.each<PhantomImageFormat>(['nifti', 'dicom'])(
    'takes a %s study from upload to COMPLETED with a probability, factors and scores',
    async (format) => {
      const studyId = `e2e-${format}`;
      const record = await e2e.run(studyId, phantomStudyFiles(phantom, format, studyId));
      expect(record).toMatchObject({ status: 'SUCCEEDED' });

      const item = await studyItem(studyId);
      expect(item).toMatchObject({ studyId, status: 'COMPLETED' });
      expect(Object.keys(item!.stages as object).sort()).toEqual([...PROGRESS].sort());
      const result = item!.result as Record<string, unknown>;
      expect(result.probability).toBeGreaterThan(0);
      expect(result.probability).toBeLessThan(1);
      expect(result.riskLevel).toMatch(/^(low|moderate|high)$/);
      expect((result.topFactors as unknown[]).length).toBeGreaterThan(0);
      expect(Object.keys(result.scores as object)).toEqual(
        expect.arrayContaining(['bisap', 'ranson', 'mctsi', 'sirs']),
      );
      // Every model that produced the score, with its version and checksum.
      expect(Object.keys(result.models as object).sort()).toEqual(['resnet', 'unet', 'xgboost']);

      const written = await e2e.objects(`results/${studyId}/`);
      expect(new TextDecoder().decode(written.get(studyKeys.explanation(studyId)))).toContain('<svg');
      const keys = workKeys(item as { studyId: string; manifestVersion: string });
      expect((await e2e.objects(keys.mask)).size).toBe(1);
      // The GPU tier (the default) ran it, through the endpoint's container.
      const inference = (await e2e.objects(keys.inference)).get(keys.inference)!;
      expect(JSON.parse(new TextDecoder().decode(inference))).toMatchObject({ tier: 'gpu' });
    },
  );

  it('serves through the HTTP API exactly what DynamoDB holds', async () => {
    for (const studyId of ['e2e-nifti', 'e2e-dicom']) {
      const item = await studyItem(studyId);
      const { status, body } = await apiGet(`/studies/${studyId}`);
      expect(status).toBe(200);
      const { studyId: id, status: state, manifestVersion, updatedAt, stages, error, result } = item!;
      const { reportUrl, ...stored } = body;
      expect(stored).toEqual(
        JSON.parse(
          JSON.stringify({ studyId: id, status: state, manifestVersion, updatedAt, stages, error, result }),
        ),
      );
      // The report link is a presigned GET of results/{id}/report.html on the local S3 endpoint.
      if (reportUrl !== undefined) {
        const report = await fetch(reportUrl as string);
        expect(report.status).toBe(200);
        expect(await report.text()).toContain('<html');
      }
    }
    const listed = await apiGet('/studies?status=COMPLETED');
    expect((listed.body.studies as { studyId: string }[]).map((s) => s.studyId).sort()).toEqual([
      'e2e-dicom',
      'e2e-nifti',
    ]);
    expect((await apiGet('/studies/no-such-study')).status).toBe(404);
    expect((await apiGet('/studies/bad%20id')).status).toBe(400);
  });

  it('writes a FHIR R4 RiskAssessment for each completed study and serves it at /studies/{id}/fhir', async () => {
    for (const studyId of ['e2e-nifti', 'e2e-dicom']) {
      const item = (await studyItem(studyId)) as { studyId: string; manifestVersion: string };
      const latestKey = studyKeys.riskAssessment(studyId);
      const stored = JSON.parse(
        new TextDecoder().decode((await e2e.objects(latestKey)).get(latestKey)),
      ) as Record<string, unknown>;
      expect(fhirSchemaErrors(stored)).toEqual([]);
      expect(stored).toMatchObject({ resourceType: 'RiskAssessment', status: 'final' });
      expect(stored.subject).toEqual({
        identifier: { system: 'urn:sap-pipeline:study-id', value: studyId },
      });
      const response = await fetch(`${e2e.stack.apiUrl}/studies/${studyId}/fhir`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const served = await response.json();
      const runKey = resultKeys(item).riskAssessment;
      expect(served).toEqual(JSON.parse(new TextDecoder().decode((await e2e.objects(runKey)).get(runKey))));
      expect(served).toEqual(stored);
    }
  });

  it.skipIf(pydicomMissing() !== undefined)(
    'writes a DICOM SEG of the mask on the uploaded series for a DICOM study only, linked from the report',
    async () => {
      const studyId = 'e2e-dicom';
      const item = (await studyItem(studyId)) as { studyId: string; manifestVersion: string };
      const segKey = studyKeys.segmentation(studyId);
      const seg = (await e2e.objects(segKey)).get(segKey)!;
      const maskKey = workKeys(item).mask;
      const mask = readMaskNifti((await e2e.objects(maskKey)).get(maskKey)!, 'mask.nii.gz');
      const files = Object.entries(phantomStudyFiles(phantom, 'dicom', studyId))
        .filter(([name]) => name.endsWith('.dcm'))
        .map(([name, bytes]) => ({ name, bytes }));
      const folder = await mkdtemp(path.join(tmpdir(), 'sap-e2e-seg-'));
      try {
        // pydicom reads it back: every frame equals the mask, the geometry and references the source's.
        const checked = checkWithPydicom(folder, files, mask, seg);
        expect(checked.stderr).toBe('');
        expect(checked.status).toBe(0);
        expect(checked.summary!.maskVoxels).toBeGreaterThan(0);
        expect(checked.summary!.segPixels).toBe(checked.summary!.maskVoxels);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
      const report = (key: string) => e2e.objects(key).then((m) => new TextDecoder().decode(m.get(key)));
      expect(await report(studyKeys.report(studyId))).toContain('<a href="pancreas-seg.dcm">');

      const nifti = 'e2e-nifti';
      expect((await e2e.objects(studyKeys.segmentation(nifti))).size).toBe(0);
      const niftiReport = await report(studyKeys.report(nifti));
      expect(niftiReport).toContain('<a href="risk-assessment.json">');
      expect(niftiReport).toContain('No DICOM Segmentation: the study was uploaded as NIfTI');
    },
  );

  it('runs a manifest uploaded twice once, whether the copy arrives during or after the run', async () => {
    const studyId = 'e2e-twice';
    const files = phantomStudyFiles(phantom, 'nifti', studyId);
    const started: string[] = [];
    let firstStart: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (firstStart = resolve));
    const stop = e2e.stack.stepFunctions.onEvent((event) => {
      if (event.type !== 'ExecutionStarted' || event.studyId !== studyId) return;
      started.push(event.execution);
      firstStart();
    });
    try {
      const during = e2e.run(studyId, files);
      // The same manifest again while the first run is going: the same execution name, nothing new starts.
      await running;
      await e2e.stack.s3Client.send(
        new PutObjectCommand({
          Bucket: e2e.stack.s3.studiesBucket,
          Key: studyKeys.manifest(studyId),
          Body: files['manifest.json'],
        }),
      );
      expect((await during).status).toBe('SUCCEEDED');
      const completed = await studyItem(studyId);
      await e2e.run(studyId, files);
      expect(started).toHaveLength(1);
      expect(await studyItem(studyId)).toEqual(completed);
    } finally {
      stop();
    }
  });
});
