import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UPLOAD_PAGE, type UploadRequest } from '../../core/study/upload-plan';
import { ResultsApiClient } from '../../local/api-client';
import { startApiServer, type ApiServer } from '../../local/api-server';

vi.hoisted(() => {
  process.env.STUDIES_BUCKET = 'sap-studies-test';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
});
// Signing costs ~2 ms a URL; the paging is what is tested here.
vi.mock('@aws-sdk/s3-request-presigner', () => ({
  getSignedUrl: (_client: unknown, command: { input: { Key: string } }) =>
    Promise.resolve(`https://s3.example/${command.input.Key}?X-Amz-Signature=${'0'.repeat(64)}`),
}));

let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer();
});
afterAll(() => api?.close());

describe('ResultsApiClient.createStudy follows the pages of POST /studies', () => {
  it('gathers every upload of a study over several pages, one studyId, the manifest last', async () => {
    const files = 2 * UPLOAD_PAGE.maxUploads + 500;
    const request: UploadRequest = {
      files: [
        { path: 'clinical.json', size: 10 },
        ...Array.from({ length: files - 1 }, (_, i) => ({ path: `image/s/IM${i}.dcm`, size: 10 })),
      ],
    };
    const client = new ResultsApiClient({ baseUrl: api.url, signed: false });
    const pages = vi.spyOn(client, 'createStudyPage');
    const plan = await client.createStudy(request);
    expect(pages).toHaveBeenCalledTimes(3);
    expect(pages.mock.calls.map(([r]) => r.from)).toEqual([undefined, 1000, 2000]);
    expect(plan.uploads.map((u) => u.path)).toEqual([...request.files.map((f) => f.path), 'manifest.json']);
    expect(plan.uploads.every((u) => u.key.startsWith(`incoming/${plan.studyId}/`))).toBe(true);
    expect(plan).not.toHaveProperty('next');
  });
});
