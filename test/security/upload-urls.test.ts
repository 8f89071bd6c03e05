import type { APIGatewayProxyEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';

const BUCKET = 'sap-studies-test';
/** docs/api.md: "The URLs expire after 15 minutes". */
const DOCUMENTED_EXPIRY_SECONDS = 15 * 60;

let handler: (event: APIGatewayProxyEvent) => Promise<{ statusCode: number; body: string }>;
beforeAll(async () => {
  process.env[FUNCTION_ENV.studiesBucket] = BUCKET;
  ({ handler } = await import('../../lambdas/api/handler'));
});

const post = (body: unknown) =>
  handler({
    httpMethod: 'POST',
    resource: '/studies',
    path: '/studies',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
  } as APIGatewayProxyEvent);

interface Plan {
  studyId: string;
  uploads: { path: string; key: string; url: string }[];
  expiresAt: string;
}

const FILES = [
  { path: 'clinical.json', size: 812 },
  { path: 'image/series/0001.dcm', size: 525_000 },
  { path: 'image/series/0002.dcm', size: 525_000 },
];

describe('POST /studies hands out short-lived upload URLs for the study’s own keys only', () => {
  it.each([
    ['a fresh studyId', {}],
    ['the caller’s studyId', { studyId: 'ris-2025_0042' }],
  ])(
    'with %s: every URL expires within 15 minutes and names a key under incoming/{studyId}/',
    async (_, extra) => {
      const before = Date.now();
      const answer = await post({ ...extra, files: FILES });
      expect(answer.statusCode).toBe(201);
      const plan = JSON.parse(answer.body) as Plan;
      if ('studyId' in extra) expect(plan.studyId).toBe(extra.studyId);
      expect(plan.studyId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(Date.parse(plan.expiresAt)).toBeLessThanOrEqual(Date.now() + DOCUMENTED_EXPIRY_SECONDS * 1000);
      expect(plan.uploads.map((u) => u.path)).toEqual([...FILES.map((f) => f.path), 'manifest.json']);

      for (const upload of plan.uploads) {
        const url = new URL(upload.url);
        const query = url.searchParams;
        expect(Number(query.get('X-Amz-Expires')), upload.path).toBeGreaterThan(0);
        expect(Number(query.get('X-Amz-Expires')), upload.path).toBeLessThanOrEqual(
          DOCUMENTED_EXPIRY_SECONDS,
        );
        const signedAt = Date.parse(
          query
            .get('X-Amz-Date')!
            .replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
        );
        expect(signedAt).toBeGreaterThanOrEqual(before - 1000);
        expect(query.get('X-Amz-Credential')).toMatch(/\/s3\/aws4_request$/);
        // The object the signature covers: the URL's path, within this study's folder only.
        const key = decodeURIComponent(
          url.pathname.replace(/^\//, '').replace(new RegExp(`^${BUCKET}/`), ''),
        );
        expect(url.hostname.startsWith(`${BUCKET}.`) || url.pathname.startsWith(`/${BUCKET}/`)).toBe(true);
        expect(key, upload.path).toBe(`incoming/${plan.studyId}/${upload.path}`);
        expect(upload.key).toBe(key);
        // A declared size is signed in, so S3 refuses a different or cut-off body (the manifest is written later).
        const signedHeaders = query.get('X-Amz-SignedHeaders')!.split(';');
        if (upload.path !== 'manifest.json') expect(signedHeaders, upload.path).toContain('content-length');
      }
    },
  );

  it.each([
    ['a traversing studyId', { studyId: '../other-study', files: FILES }],
    ['a studyId with a slash', { studyId: 'a/b', files: FILES }],
    ['a 65-character studyId', { studyId: 'a'.repeat(65), files: FILES }],
    ['a path into another study', { files: [...FILES, { path: '../other-study/clinical.json', size: 1 }] }],
    ['an encoded traversal', { files: [...FILES, { path: 'image/%2e%2e/%2e%2e/x.dcm', size: 1 }] }],
    ['an absolute path', { files: [...FILES, { path: '/incoming/other-study/clinical.json', size: 1 }] }],
    ['a backslash path', { files: [...FILES, { path: 'image\\..\\..\\x.dcm', size: 1 }] }],
    ['the manifest itself', { files: [...FILES, { path: 'manifest.json', size: 1 }] }],
    ['a file outside image/', { files: [...FILES, { path: 'results/report.html', size: 1 }] }],
    ['a body that is not JSON', 'files=clinical.json'],
  ])('refuses %s with 400 INVALID_BODY and no URL', async (_, body) => {
    const answer = await post(body);
    expect(answer.statusCode).toBe(400);
    const error = JSON.parse(answer.body) as { error: string; message: string; uploads?: unknown };
    expect(error.error).toBe('INVALID_BODY');
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.uploads).toBeUndefined();
  });
});
