import { describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../core/input/limits';
import { UPLOAD_PAGE, type UploadRequest } from '../../core/study/upload-plan';
import { handler } from '../../lambdas/api/handler';

vi.hoisted(() => {
  process.env.STUDIES_BUCKET = 'sap-studies-test';
  process.env.AWS_REGION = 'eu-west-1';
});
// Signing costs ~2 ms a URL: this file checks the paging only, with URLs of the realistic size.
vi.mock('@aws-sdk/s3-request-presigner', () => ({
  getSignedUrl: (_client: unknown, command: { input: { Key: string } }) =>
    Promise.resolve(`https://s3.example/${command.input.Key}?${'X'.repeat(1700)}`),
}));

interface Page {
  studyId: string;
  uploads: { path: string }[];
  next?: number;
}

async function send(body: UploadRequest): Promise<Page> {
  const response = await handler({
    httpMethod: 'POST',
    resource: '/studies',
    body: JSON.stringify(body),
    isBase64Encoded: false,
  } as never);
  expect(response.statusCode).toBe(201);
  return JSON.parse(response.body) as Page;
}

describe('POST /studies pages: followed as sap submit does, every upload once, in order', () => {
  it('hands out the 4,002 uploads of the largest study in pages of 1,000, the manifest last', async () => {
    const request: UploadRequest = {
      files: [
        { path: 'clinical.json', size: 10 },
        ...Array.from({ length: LIMITS.maxFiles }, (_, i) => ({ path: `image/s/IM${i}.dcm`, size: 10 })),
      ],
    };
    const pages = [await send(request)];
    for (let from = pages[0]!.next; from !== undefined; from = pages.at(-1)!.next)
      pages.push(await send({ ...request, studyId: pages[0]!.studyId, from }));
    expect(pages.map((p) => p.uploads.length)).toEqual([1000, 1000, 1000, 1000, 2]);
    expect(new Set(pages.map((p) => p.studyId)).size).toBe(1);
    const paths = pages.flatMap((p) => p.uploads.map((u) => u.path));
    expect(paths).toEqual([...request.files.map((f) => f.path), 'manifest.json']);
    expect(UPLOAD_PAGE.maxUploads).toBe(1000);
  });
});
