import { Buffer } from 'node:buffer';

/**
 * s3rver stores object `key` of `bucket` at path.join(directory, bucket, ...key.split('/')) (and takes
 * multipart ids and copy sources from the request as they come), so a `..` segment, an encoded `%2e%2e`
 * or a bucket named `..` would read and write files outside its directory. Real S3 keeps such keys as
 * plain strings; the local server cannot, so it refuses them with S3's own error shape instead.
 */
export interface S3Refusal {
  status: number;
  code: string;
  message: string;
}

export interface S3RequestLine {
  /** The request path as sent, still percent-encoded (`/bucket/key`). */
  rawPath: string;
  query: URLSearchParams;
  /** The x-amz-copy-source header of a CopyObject request. */
  copySource?: string;
}

/** S3's limit on a key, in UTF-8 bytes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
export const MAX_KEY_BYTES = 1024;
/**
 * File names hold 255 bytes on common file systems; s3rver appends `._S3rver_metadata.json` (22 bytes) to
 * an object's last key segment, and uses every other segment as a folder name.
 */
export const MAX_SEGMENT_BYTES = 255 - '._S3rver_metadata.json'.length;
/** S3 bucket names (general purpose): 3–63 of [a-z0-9.-], starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** The multipart upload ids s3rver hands out: 16 random bytes in hex. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** S3 part numbers: 1 to 10,000. */
const PART_NUMBER = /^(?:[1-9][0-9]{0,3}|10000)$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** The bucket and key a request names, decoded as s3rver's router decodes them; undefined for `/`. */
export function s3Target(rawPath: string): { bucket: string; key: string } | undefined {
  const target = splitPath(rawPath, decodeURIComponent);
  return typeof target === 'string' ? undefined : target;
}

/** Why this request may not reach s3rver's file store, or undefined when it is safe to pass on. */
export function refuseS3Request(request: S3RequestLine): S3Refusal | undefined {
  const target = splitPath(request.rawPath, decodeURIComponent);
  if (typeof target === 'string') return invalid(target);
  const refusal = target && refuseLocation(target.bucket, target.key);
  if (refusal) return refusal;
  if (request.copySource !== undefined) {
    // s3rver reads the copy source with decodeURI and an optional leading slash.
    const source = splitPath(`/${request.copySource.replace(/^\//, '')}`, decodeURI);
    if (typeof source === 'string') return invalid(`x-amz-copy-source: ${source}`);
    if (!source || source.key === '') return invalid('x-amz-copy-source must name bucket/key');
    const sourceRefusal = refuseLocation(source.bucket, source.key);
    if (sourceRefusal) return { ...sourceRefusal, message: `x-amz-copy-source: ${sourceRefusal.message}` };
  }
  const uploadId = request.query.get('uploadId');
  if (uploadId !== null && !UPLOAD_ID.test(uploadId))
    return {
      status: 404,
      code: 'NoSuchUpload',
      message: 'The specified multipart upload does not exist.',
    };
  const partNumber = request.query.get('partNumber');
  if (partNumber !== null && !PART_NUMBER.test(partNumber))
    return invalid('partNumber must be a whole number from 1 to 10000');
  return undefined;
}

/** The decoded bucket and key of `/bucket/key`, undefined for `/`, or why the path cannot be read. */
function splitPath(
  rawPath: string,
  decode: (text: string) => string,
): { bucket: string; key: string } | string | undefined {
  const [rawBucket = '', ...rawKey] = rawPath.replace(/^\//, '').split('/');
  if (rawBucket === '' && rawKey.length === 0) return undefined;
  try {
    return { bucket: decode(rawBucket), key: decode(rawKey.join('/')) };
  } catch {
    return 'the path is not valid percent-encoding';
  }
}

function refuseLocation(bucket: string, key: string): S3Refusal | undefined {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..'))
    return invalid(`${JSON.stringify(bucket)} is not a bucket name`);
  if (key === '') return undefined;
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    return { status: 400, code: 'KeyTooLongError', message: 'Your key is too long' };
  if (CONTROL_CHARACTER.test(key))
    return invalid('object keys with control characters (U+0000–U+001F, U+007F) are not stored locally');
  const segments = key.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..'))
    return invalid(
      'object keys with "." or ".." segments are not stored locally: they would leave the bucket',
    );
  if (segments.slice(0, -1).some((segment) => segment === ''))
    return invalid('object keys with an empty segment ("//" or a leading "/") are not stored locally');
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES))
    return invalid(`object key segments over ${MAX_SEGMENT_BYTES} bytes are not stored locally`);
  return undefined;
}

const invalid = (message: string): S3Refusal => ({ status: 400, code: 'InvalidArgument', message });
