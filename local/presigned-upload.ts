import { createReadStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** Network failures and S3's 5xx answers are retried; a 4xx (expired URL, wrong size) is not. */
const ATTEMPTS = 3;
const FIRST_RETRY_MS = 500;

/** What to upload: bytes in memory, or a file streamed from disk (images can be 2 GiB). */
export type UploadBody = { bytes: Uint8Array } | { file: string; size: number };

/** S3 refused the upload: the status and S3's error code (`SignatureDoesNotMatch`, `AccessDenied`, ...). */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly s3Code: string,
    path: string,
  ) {
    super(`the upload of ${path} was refused: HTTP ${status} ${s3Code}`);
    this.name = 'UPLOAD_REFUSED';
  }
}

/**
 * PUTs one file to a presigned S3 URL with an exact Content-Length (S3 does not take chunked uploads, and
 * the URL has the size signed in). `path` names the file in messages.
 */
export async function putPresigned(url: string, body: UploadBody, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await send(url, body);
      if (response.status < 300) return;
      const code = /<Code>([^<]+)<\/Code>/.exec(response.text)?.[1] ?? 'UnknownError';
      if (response.status < 500 || attempt === ATTEMPTS) throw new UploadRefused(response.status, code, path);
    } catch (error) {
      if (error instanceof UploadRefused || attempt === ATTEMPTS) throw error;
    }
    await sleep(FIRST_RETRY_MS * 2 ** (attempt - 1));
  }
}

function send(url: string, body: UploadBody): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const size = 'bytes' in body ? body.bytes.byteLength : body.size;
  const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
    method: 'PUT',
    headers: { 'content-length': String(size) },
  });
  return new Promise((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    if ('bytes' in body) request.end(body.bytes);
    else createReadStream(body.file).once('error', reject).pipe(request);
  });
}
