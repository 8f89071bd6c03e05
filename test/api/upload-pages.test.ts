import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../core/input/limits';
import { UPLOAD_PAGE, type UploadRequest } from '../../core/study/upload-plan';
import { handler } from '../../lambdas/api/handler';
import { validateAgainstOpenApi } from '../support/openapi';

// Lambda answers a synchronous invocation with at most 6 MB; over it API Gateway answers 502:
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_556;

vi.hoisted(() => {
  // Session credentials, as a Lambda function's role has them: the token is signed into every URL.
  const sessionToken = `IQoJb3JpZ2luX2VjE${'A1b2C3d4/E5f6+G7h8'.repeat(60)}==`;
  Object.assign(process.env, {
    STUDIES_BUCKET: 'sap-studies-123456789012-eu-west-1',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: sessionToken,
  });
  delete process.env.SAP_LOCAL_S3;
});

export interface Page {
  studyId: string;
  uploads: { path: string; key: string; url: string }[];
  next?: number;
}

export const post = (body: UploadRequest) =>
  ({
    httpMethod: 'POST',
    resource: '/studies',
    pathParameters: null,
    queryStringParameters: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEvent;

/** One page, checked against docs/openapi.yaml; the Lambda response's size as Lambda counts it. */
async function page(request: UploadRequest): Promise<{ page: Page; responseBytes: number }> {
  const response = await handler(post(request));
  expect(response.statusCode).toBe(201);
  expect(validateAgainstOpenApi('POST', '/studies', 201, response.body)).toEqual([]);
  return {
    page: JSON.parse(response.body) as Page,
    responseBytes: Buffer.byteLength(JSON.stringify(response)),
  };
}

/** The largest listing POST /studies accepts: clinical.json and LIMITS.maxFiles DICOM slices. */
export const largest = (pathOf: (i: number) => string): UploadRequest => ({
  files: [
    { path: 'clinical.json', size: 1834 },
    ...Array.from({ length: LIMITS.maxFiles }, (_, i) => ({ path: pathOf(i), size: 526_000 })),
  ],
});
const dicomSlice = (i: number) => `image/series-1/IM${String(i + 1).padStart(5, '0')}.dcm`;

describe('POST /studies answers the largest accepted study a page at a time, under Lambda’s 6 MB', () => {
  it('a full page of realistic 1.8 KB URLs (session token signed in) is under 4.5 MB', async () => {
    const { page: first, responseBytes } = await page(largest(dicomSlice));
    const lengths = first.uploads.map((u) => u.url.length);
    expect(Math.min(...lengths)).toBeGreaterThan(1700);
    expect(first.uploads[0]!.url).toContain('X-Amz-Security-Token=');
    expect(first.uploads).toHaveLength(UPLOAD_PAGE.maxUploads);
    expect(first.next).toBe(UPLOAD_PAGE.maxUploads);
    expect(responseBytes).toBeLessThan(4.5e6);
    // The defect: the 4,002 uploads in one answer would be over the limit (API Gateway answers 502).
    const perUpload = responseBytes / first.uploads.length;
    expect(perUpload * (LIMITS.maxFiles + 2)).toBeGreaterThan(LAMBDA_RESPONSE_LIMIT_BYTES);
  });

  it('keeps to the byte budget when every path is as long as the manifest allows (900 characters)', async () => {
    const folders = ['s', 't', 'u', 'v'].map((c) => c.repeat(210)).join('/');
    const longPath = (i: number) => `image/${folders}/${'w'.repeat(41)}${String(i).padStart(5, '0')}.dcm`;
    expect(longPath(0)).toHaveLength(900);
    const { page: first, responseBytes } = await page(largest(longPath));
    expect(first.uploads.length).toBeLessThan(UPLOAD_PAGE.maxUploads);
    expect(first.next).toBe(first.uploads.length);
    expect(responseBytes).toBeLessThanOrEqual(UPLOAD_PAGE.maxBytes + 1024);
  });

  it('the last page ends with the manifest and has no next', async () => {
    const from = LIMITS.maxFiles;
    const { page: last } = await page({ ...largest(dicomSlice), studyId: 'study-1', from });
    expect(last.uploads.map((u) => u.path)).toEqual([dicomSlice(LIMITS.maxFiles - 1), 'manifest.json']);
    expect(last.next).toBeUndefined();
  });

  it('400 for a page without the studyId, or past the last upload', async () => {
    const files = [
      { path: 'clinical.json', size: 10 },
      { path: 'image/ct.nii.gz', size: 10 },
    ];
    for (const body of [
      { files, from: 1 },
      { files, studyId: 's1', from: 3 },
      { files, from: -1 },
    ]) {
      const response = await handler(post(body));
      expect(response.statusCode).toBe(400);
      expect(validateAgainstOpenApi('POST', '/studies', 400, response.body)).toEqual([]);
    }
    expect((await handler(post({ files, studyId: 's1', from: 2 }))).statusCode).toBe(201);
  });
});
