import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { describeIssue } from '../../core/input/issues';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { FINAL_STATUSES, STUDY_STATUSES, type StudyStatus } from '../../core/study/status';
import {
  pageStart,
  planUpload,
  UPLOAD_PAGE,
  uploadRequestSchema,
  type PlannedUpload,
  type SignedUpload,
} from '../../core/study/upload-plan';
import { s3Presigner } from '../shared/aws-clients';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { reportUrl } from '../shared/report-url';
import { listByStatus, type StudyItem } from '../shared/studies-table';
import { decodePageToken, encodePageToken } from './page-token';
import { studyOrRefusal } from './answers';
import { requestRescore } from './rescore';
import { FHIR_JSON, readRiskAssessment } from './risk-assessment';
import { fitUploadPage } from './upload-page';
import { perInvocation } from '../shared/per-invocation';

const UPLOAD_URL_SECONDS = 15 * 60;
const PAGE_SIZE = { default: 25, max: 100 } as const;

const listQuery = z.object({
  status: z.enum(STUDY_STATUSES as [StudyStatus, ...StudyStatus[]]),
  limit: z.coerce.number().int().min(1).max(PAGE_SIZE.max).default(PAGE_SIZE.default),
  next: z.string().min(1).optional(),
});

export const handler = perInvocation(serveRequest);

/**
 * The results API (docs/openapi.yaml): POST /studies, GET /studies/{studyId}, GET /studies/{studyId}/fhir,
 * GET /studies?status=&limit=&next=, POST /studies/{studyId}/rescore.
 * IAM-authorised in the cloud; the local stack serves the same handler (local/api-server.ts).
 */
async function serveRequest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const route = `${event.httpMethod} ${event.resource}`;
  try {
    switch (route) {
      case 'GET /studies/{studyId}':
        return await getOne(event.pathParameters?.studyId ?? '');
      case 'GET /studies/{studyId}/fhir': {
        const answer = await readRiskAssessment(event.pathParameters?.studyId ?? '');
        return 'fhirJson' in answer
          ? reply(200, answer.fhirJson, FHIR_JSON)
          : reply(answer.status, answer.body);
      }
      case 'GET /studies':
        return await list(event.queryStringParameters ?? {});
      case 'POST /studies':
        return await createUpload(bodyText(event));
      case 'POST /studies/{studyId}/rescore': {
        const { status, body } = await requestRescore(event.pathParameters?.studyId ?? '', bodyText(event));
        return reply(status, body);
      }
      default:
        return reply(404, { error: 'NOT_FOUND', message: `no route ${route}` });
    }
  } catch (error) {
    // The client learns nothing of the internals; the error's name is enough to find it in the logs.
    logger.error('request failed', { route, errorName: error instanceof Error ? error.name : typeof error });
    return reply(500, { error: 'INTERNAL_ERROR', message: 'the request could not be completed; try again' });
  }
}

async function getOne(studyId: string): Promise<APIGatewayProxyResult> {
  const found = await studyOrRefusal(studyId);
  if ('refused' in found) return reply(found.refused.status, found.refused.body);
  const { study } = found;
  // Completed and failed studies have a report (Fuse, record-failure): hand out a short-lived link.
  const report = FINAL_STATUSES.includes(study.status)
    ? { reportUrl: await reportUrl(requiredEnv(FUNCTION_ENV.studiesBucket), study) }
    : {};
  return reply(200, { ...publicView(study), ...report });
}

async function list(query: Record<string, string | undefined>): Promise<APIGatewayProxyResult> {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success) return reply(400, { error: 'INVALID_QUERY', message: z.prettifyError(parsed.error) });
  const { status, limit, next } = parsed.data;
  const start = next === undefined ? undefined : decodePageToken(next, status);
  if (next !== undefined && start === undefined)
    return reply(400, {
      error: 'INVALID_QUERY',
      message: `next is not a token this API handed out for ${status}`,
    });
  const page = await listByStatus(status, limit, start);
  return reply(200, {
    studies: page.items.map(publicView),
    next: page.cursor ? encodePageToken(page.cursor) : undefined,
  });
}

async function createUpload(body: string | null): Promise<APIGatewayProxyResult> {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return reply(400, {
      error: 'INVALID_BODY',
      message: 'body must be JSON: {"files": [{"path": "clinical.json", "size": 1834}, ...]}',
    });
  }
  const parsed = uploadRequestSchema.safeParse(json);
  if (!parsed.success) return reply(400, { error: 'INVALID_BODY', message: z.prettifyError(parsed.error) });
  const studyId = parsed.data.studyId ?? randomUUID();
  const plan = planUpload(studyId, parsed.data);
  if (!plan.ok) {
    const message = plan.issues.map(describeIssue).join('\n');
    return reply(400, { error: 'INVALID_BODY', message, issues: plan.issues });
  }
  const start = pageStart(plan, parsed.data);
  if (!start.ok) return reply(400, { error: 'INVALID_BODY', message: start.message });
  // A page at a time: every URL of a large study together is over Lambda's 6 MB response limit.
  const bucket = requiredEnv(FUNCTION_ENV.studiesBucket);
  const candidates = plan.uploads.slice(start.from, start.from + UPLOAD_PAGE.maxUploads);
  const uploads = await signPage(bucket, candidates);
  const next = start.from + uploads.length;
  const expiresAt = new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return reply(201, {
    studyId,
    uploads,
    ...(next < plan.uploads.length ? { next } : {}),
    expiresAt,
    note:
      next < plan.uploads.length
        ? `more uploads follow: POST the same body with this studyId and "from": ${next}; upload manifest.json last: it starts the run`
        : 'upload manifest.json last: it starts the run',
  });
}

/** Presigning costs about 2 ms a URL: sign a batch at a time, and stop once the page's bytes are full. */
const SIGNING_BATCH = 100;

async function signPage(bucket: string, candidates: PlannedUpload[]): Promise<SignedUpload[]> {
  const signed: SignedUpload[] = [];
  for (let at = 0; at < candidates.length; at += SIGNING_BATCH) {
    const batch = candidates.slice(at, at + SIGNING_BATCH);
    signed.push(
      ...(await Promise.all(
        batch.map(async (upload) => ({
          path: upload.path,
          key: upload.key,
          url: await presignPut(bucket, upload),
        })),
      )),
    );
    if (fitUploadPage(signed).length < signed.length) break;
  }
  return fitUploadPage(signed);
}

/** The declared size is signed in: S3 refuses a cut-off or different file instead of storing it. */
function presignPut(bucket: string, upload: PlannedUpload): Promise<string> {
  const command = new PutObjectCommand({ Bucket: bucket, Key: upload.key, ContentLength: upload.size });
  return getSignedUrl(s3Presigner, command, { expiresIn: UPLOAD_URL_SECONDS });
}

function bodyText(event: APIGatewayProxyEvent): string | null {
  if (event.body === null || !event.isBase64Encoded) return event.body;
  return Buffer.from(event.body, 'base64').toString('utf8');
}

function publicView(study: StudyItem) {
  const { studyId, status, manifestVersion, updatedAt, stages, error, result, rescore } = study;
  return { studyId, status, manifestVersion, updatedAt, stages, error, result, rescore };
}

/** A JSON answer; a body of another media type (`contentType`) is passed as the text it already is. */
function reply(statusCode: number, body: unknown, contentType?: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': contentType ?? 'application/json', 'cache-control': 'no-store' },
    body: contentType === undefined ? JSON.stringify(body) : String(body),
  };
}
