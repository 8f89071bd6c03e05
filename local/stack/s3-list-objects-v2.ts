import { Buffer } from 'node:buffer';
import authentication from 's3rver/lib/middleware/authentication.js';
import S3Error from 's3rver/lib/models/error.js';

/**
 * ListObjectsV2 (GET /{bucket}?list-type=2) for the local S3 server, as S3 answers it
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html): keys in UTF-8 binary order,
 * at most MaxKeys entries (up to 1,000; a common prefix counts as one), IsTruncated with a
 * NextContinuationToken that the next request passes as `continuation-token`, KeyCount the entries
 * returned, MaxKeys and StartAfter echoed, listing after StartAfter.
 *
 * s3rver 3.7 cannot: its continuation token is DES-encrypted (`crypto.createCipheriv('des')`), which
 * OpenSSL 3 (Node 17+) no longer offers, so every truncated listing and every continued one failed with
 * InternalError; and it walks its folders in file-name order, which is not key order (`a-b` before `a`),
 * so a listing resumed after a key could skip keys. This serves the operation from s3rver's store itself.
 * ListObjects (v1) and every other bucket operation stay s3rver's.
 */

/** S3's most entries in one answer. */
const MAX_KEYS_LIMIT = 1000;
/** The query parameters of ListObjectsV2; any other (a sub-resource such as `cors`) is another operation. */
const LISTING_PARAMETERS = new Set([
  'list-type',
  'continuation-token',
  'delimiter',
  'encoding-type',
  'fetch-owner',
  'max-keys',
  'prefix',
  'start-after',
  // The SDK names the operation; presigned requests carry X-Amz-*.
  'x-id',
]);

/** The parts of s3rver's store and Koa context that the listing reads. */
interface StoredObject {
  key: string;
  size: number;
  lastModifiedDate: Date;
  metadata: Record<string, string>;
}
interface ObjectStore {
  getBucket(name: string): Promise<unknown>;
  listObjects(
    bucket: string,
    options: { prefix?: string; maxKeys?: number },
  ): Promise<{ objects: StoredObject[] }>;
}
export interface ListingContext {
  method: string;
  path: string;
  querystring: string;
  params?: Record<string, string>;
  state: { account?: { id: string; displayName: string } };
  store: ObjectStore;
  body: unknown;
}

const authenticate = authentication();

/** Koa middleware placed before s3rver's router (inside its XML encoding of object bodies). */
export async function listObjectsV2(ctx: ListingContext, next: () => Promise<void>): Promise<void> {
  const bucket = listingBucket(ctx);
  if (bucket === undefined) return next();
  ctx.params = { ...ctx.params, bucket };
  // s3rver's own signature check runs first, as its router would run it.
  await authenticate(ctx, async () => {
    if (!(await ctx.store.getBucket(bucket)))
      throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    ctx.body = await listBucket(
      ctx.store,
      bucket,
      readRequest(bucket, new URLSearchParams(ctx.querystring)),
      ctx.state.account,
    );
  });
}

/** The bucket of a `GET /{bucket}?list-type=2` with listing parameters only; undefined for anything else. */
function listingBucket(ctx: ListingContext): string | undefined {
  if (ctx.method !== 'GET') return undefined;
  const match = /^\/([^/]+)\/?$/.exec(ctx.path);
  if (!match) return undefined;
  const query = new URLSearchParams(ctx.querystring);
  if (query.get('list-type') !== '2') return undefined;
  for (const name of query.keys())
    if (!LISTING_PARAMETERS.has(name) && !name.toLowerCase().startsWith('x-amz-')) return undefined;
  return decodeURIComponent(match[1]!);
}

interface ListingRequest {
  prefix: string;
  delimiter: string;
  /** As asked (echoed); at most MAX_KEYS_LIMIT are returned. */
  maxKeys: number;
  startAfter?: string;
  continuationToken?: string;
  /** Where the continued listing resumes. */
  resumeAfter?: Position;
  fetchOwner: boolean;
  urlEncoded: boolean;
}

/** The last entry an answer returned: a key, or a common prefix (whose keys all came with it). */
interface Position {
  after: string;
  commonPrefix: boolean;
}

function readRequest(bucket: string, query: URLSearchParams): ListingRequest {
  const maxKeysText = query.get('max-keys');
  let maxKeys = MAX_KEYS_LIMIT;
  if (maxKeysText !== null) {
    maxKeys = /^\d{1,10}$/.test(maxKeysText) ? Number(maxKeysText) : NaN;
    if (!(maxKeys <= 2_147_483_647))
      throw new S3Error('InvalidArgument', 'Argument max-keys must be an integer between 0 and 2147483647', {
        ArgumentName: 'max-keys',
        ArgumentValue: maxKeysText,
      });
  }
  const encoding = query.get('encoding-type');
  if (encoding !== null && encoding !== 'url')
    throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: encoding,
    });
  const continuationToken = query.get('continuation-token') || undefined;
  return {
    prefix: query.get('prefix') ?? '',
    delimiter: query.get('delimiter') ?? '',
    maxKeys,
    startAfter: query.get('start-after') || undefined,
    continuationToken,
    resumeAfter: continuationToken === undefined ? undefined : readToken(bucket, continuationToken),
    fetchOwner: query.get('fetch-owner') === 'true',
    urlEncoded: encoding === 'url',
  };
}

/** A token is opaque to clients (S3's are too): here the bucket and the last entry returned. */
function continuationTokenFor(bucket: string, position: Position): string {
  return Buffer.from(JSON.stringify({ bucket, ...position }), 'utf8').toString('base64url');
}

function readToken(bucket: string, token: string): Position {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      parsed.bucket === bucket &&
      typeof parsed.after === 'string' &&
      typeof parsed.commonPrefix === 'boolean'
    )
      return { after: parsed.after, commonPrefix: parsed.commonPrefix };
  } catch {
    // not a token of ours: refused below
  }
  throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
    ArgumentName: 'continuation-token',
  });
}

/** S3 orders keys by their UTF-8 bytes (JavaScript's `<` compares UTF-16 code units). */
const compareKeys = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

type Entry = { object: StoredObject } | { commonPrefix: string };

async function listBucket(
  store: ObjectStore,
  bucket: string,
  request: ListingRequest,
  account: { id: string; displayName: string } | undefined,
) {
  const { prefix, delimiter, resumeAfter, startAfter } = request;
  // Every key under the prefix, then the page: fine for a local bucket.
  const { objects } = await store.listObjects(bucket, { prefix, maxKeys: Infinity });
  objects.sort((a, b) => compareKeys(a.key, b.key));
  const limit = Math.min(request.maxKeys, MAX_KEYS_LIMIT);
  const page: Entry[] = [];
  let truncated = false;
  let lastCommonPrefix: string | undefined;
  for (const object of objects) {
    const { key } = object;
    if (startAfter !== undefined && compareKeys(key, startAfter) <= 0) continue;
    if (resumeAfter) {
      if (compareKeys(key, resumeAfter.after) <= 0) continue;
      if (resumeAfter.commonPrefix && key.startsWith(resumeAfter.after)) continue;
    }
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const commonPrefix = cut === -1 ? undefined : key.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined && commonPrefix === lastCommonPrefix) continue;
    if (page.length === limit) {
      truncated = limit > 0;
      break;
    }
    if (commonPrefix !== undefined) {
      lastCommonPrefix = commonPrefix;
      page.push({ commonPrefix });
    } else page.push({ object });
  }
  const last = page.at(-1);
  const encode = (text: string) => (request.urlEncoded ? encodeURIComponent(text) : text);
  return {
    ListBucketResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      IsTruncated: truncated,
      Contents: page.flatMap((entry) =>
        'object' in entry
          ? [
              {
                Key: encode(entry.object.key),
                LastModified: entry.object.lastModifiedDate.toISOString(),
                ETag: entry.object.metadata.etag,
                Size: entry.object.size,
                ...(request.fetchOwner && account
                  ? { Owner: { ID: account.id, DisplayName: account.displayName } }
                  : {}),
                StorageClass: 'STANDARD',
              },
            ]
          : [],
      ),
      Name: bucket,
      Prefix: encode(prefix),
      Delimiter: delimiter ? encode(delimiter) : undefined,
      MaxKeys: request.maxKeys,
      CommonPrefixes: page.flatMap((entry) =>
        'commonPrefix' in entry ? [{ Prefix: encode(entry.commonPrefix) }] : [],
      ),
      EncodingType: request.urlEncoded ? 'url' : undefined,
      KeyCount: page.length,
      ContinuationToken: request.continuationToken,
      NextContinuationToken:
        truncated && last
          ? continuationTokenFor(
              bucket,
              'object' in last
                ? { after: last.object.key, commonPrefix: false }
                : { after: last.commonPrefix, commonPrefix: true },
            )
          : undefined,
      StartAfter: startAfter === undefined ? undefined : encode(startAfter),
    },
  };
}
