import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { isStudyId } from '../../core/study/study-id';
import { STUDY_STATUSES, type StudyStatus } from '../../core/study/status';
import { uploadKeys, uploadRequestSchema } from '../../core/study/upload-plan';
import { s3 } from '../shared/aws-clients';
import { requiredEnv } from '../shared/env';
import { getStudy, listByStatus, type StudyItem } from '../shared/studies-table';

const UPLOAD_URL_SECONDS = 15 * 60;
const listQuery = z.object({
  status: z.enum(STUDY_STATUSES as [StudyStatus, ...StudyStatus[]]),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().optional(),
});

/** The results API: POST /studies, GET /studies/{studyId}, GET /studies?status=... (IAM-authorised). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const route = `${event.httpMethod} ${event.resource}`;
  switch (route) {
    case 'GET /studies/{studyId}':
      return getOne(event.pathParameters?.studyId ?? '');
    case 'GET /studies':
      return list(event.queryStringParameters ?? {});
    case 'POST /studies':
      return createUpload(event.body);
    default:
      return reply(404, { error: 'NOT_FOUND', message: `no route ${route}` });
  }
}

async function getOne(studyId: string): Promise<APIGatewayProxyResult> {
  if (!isStudyId(studyId))
    return reply(400, { error: 'INVALID_STUDY_ID', message: 'studyId must match [A-Za-z0-9_-]{1,64}' });
  const study = await getStudy(studyId);
  return study
    ? reply(200, publicView(study))
    : reply(404, { error: 'NOT_FOUND', message: `no study ${studyId}` });
}

async function list(query: Record<string, string | undefined>): Promise<APIGatewayProxyResult> {
  const parsed = listQuery.safeParse(query);
  if (!parsed.success) return reply(400, { error: 'INVALID_QUERY', message: z.prettifyError(parsed.error) });
  const { status, limit, cursor } = parsed.data;
  let start: Record<string, unknown> | undefined;
  try {
    start = cursor
      ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>)
      : undefined;
  } catch {
    return reply(400, { error: 'INVALID_QUERY', message: 'cursor is not one this API handed out' });
  }
  const page = await listByStatus(status, limit, start);
  return reply(200, {
    studies: page.items.map(publicView),
    cursor: page.cursor ? Buffer.from(JSON.stringify(page.cursor)).toString('base64url') : undefined,
  });
}

async function createUpload(body: string | null): Promise<APIGatewayProxyResult> {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return reply(400, { error: 'INVALID_BODY', message: 'body must be JSON: {"imageFiles": ["..."]}' });
  }
  const parsed = uploadRequestSchema.safeParse(json);
  if (!parsed.success) return reply(400, { error: 'INVALID_BODY', message: z.prettifyError(parsed.error) });
  const studyId = randomUUID();
  const bucket = requiredEnv(FUNCTION_ENV.studiesBucket);
  const uploads = await Promise.all(
    uploadKeys(studyId, parsed.data).map(async (key) => ({
      key,
      url: await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: UPLOAD_URL_SECONDS,
      }),
    })),
  );
  const expiresAt = new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return reply(201, { studyId, uploads, expiresAt, note: 'upload manifest.json last: it starts the run' });
}

function publicView(study: StudyItem) {
  const { studyId, status, manifestVersion, updatedAt, stages, error, result } = study;
  return { studyId, status, manifestVersion, updatedAt, stages, error, result };
}

function reply(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
