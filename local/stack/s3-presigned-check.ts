import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3Refusal } from './s3-request-guard';

/**
 * s3rver checks no SigV4 signature at all ("V4 signatures have incomplete support"), so a presigned URL
 * could be pointed at another key, another size or past its expiry. This checks a query-signed (presigned)
 * request as S3 does: recomputes its signature over what it actually asks for, and its time window.
 * Header-signed requests (the SDK's own calls with the local credentials) are left to s3rver.
 */
export interface PresignedRequest {
  method: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  /** The query string as sent, without `?`. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Query parameters that presigning itself writes: everything else signed is the request's own. */
const PRESIGN_PARAMETERS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
]);
/** SigV4's longest validity of a presigned URL: 7 days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/** Why S3 would refuse this presigned request, or undefined when it is not presigned or checks out. */
export async function refusePresigned(
  request: PresignedRequest,
  credentials: { accessKeyId: string; secretAccessKey: string },
  now = Date.now(),
): Promise<S3Refusal | undefined> {
  const query = new URLSearchParams(request.rawQuery);
  const signature = query.get('X-Amz-Signature');
  if (signature === null) return undefined;
  const [accessKeyId, , region, service] = (query.get('X-Amz-Credential') ?? '').split('/');
  const signedAt = amzDate(query.get('X-Amz-Date') ?? '');
  const expires = Number(query.get('X-Amz-Expires'));
  if (!region || !service || signedAt === undefined || !Number.isInteger(expires) || expires < 1)
    return denied(
      'AuthorizationQueryParametersError',
      'the presigned URL is missing or garbles a SigV4 parameter',
    );
  if (expires > MAX_EXPIRES_SECONDS)
    return denied('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week');
  if (now > signedAt + expires * 1000) return denied('AccessDenied', 'Request has expired');
  if (accessKeyId !== credentials.accessKeyId)
    return denied('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');

  // Rebuilt as the signer saw it: signed headers as sent, hoisted x-amz-* parameters back as headers.
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = [request.headers[name] ?? ''].flat().join(',');
  const rest: Record<string, string | string[]> = {};
  for (const [name, value] of query) {
    const lower = name.toLowerCase();
    if (PRESIGN_PARAMETERS.has(lower)) continue;
    if (lower.startsWith('x-amz-')) headers[name] = value;
    else rest[name] = name in rest ? [rest[name]!, value].flat() : value;
  }
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: false });
  const [hostname = '', port] = (headers.host ?? '').split(':');
  const expected = await signer.presign(
    {
      method: request.method,
      protocol: 'http:',
      hostname,
      port: port ? Number(port) : undefined,
      path: request.rawPath,
      query: rest,
      headers,
    },
    { signingDate: new Date(signedAt), expiresIn: expires, signableHeaders: new Set(signedHeaders) },
  );
  return expected.query?.['X-Amz-Signature'] === signature
    ? undefined
    : denied(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      );
}

/** `20250301T121500Z` → ms since the epoch. */
function amzDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

const denied = (code: string, message: string): S3Refusal => ({ status: 403, code, message });
