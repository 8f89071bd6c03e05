import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { HttpError, STATUS } from './http-error';

/** Errors S3 answers for an object that is not there, or that this role may not read (S3 hides which). */
const UNREADABLE = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket', 'AccessDenied']);

/** A whole object in memory (the NIfTI reader needs all of it); 424 when it cannot be had. */
export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return await response.Body.transformToByteArray();
  } catch (error) {
    if (!isUnreadable(error)) throw error;
    throw new HttpError(
      STATUS.failedDependency,
      'VOLUME_NOT_FOUND',
      `s3://${bucket}/${key} does not exist or is not readable (${(error as Error).name}); the Validate step writes it`,
    );
  }
}

export async function writeObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array | string,
  contentType: string,
): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

function isUnreadable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return UNREADABLE.has(error.name) || status === 403 || status === 404;
}
