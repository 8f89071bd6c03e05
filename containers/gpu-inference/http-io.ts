import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, STATUS } from './http-error';

/**
 * The request body, refused with 413 beyond `limitBytes`. The body is only a pointer to S3 (an
 * InferenceRequest, a few hundred bytes), so anything large is a mistake, not data.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > limitBytes) {
      request.resume();
      reject(tooLarge(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    // Past the limit the rest is drained, not kept: destroying the stream would also close the socket
    // the 413 must go out on.
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= limitBytes) chunks.push(chunk);
    });
    request.on('end', () =>
      length > limitBytes ? reject(tooLarge(limitBytes)) : resolve(Buffer.concat(chunks)),
    );
    request.on('error', reject);
  });
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(
    STATUS.payloadTooLarge,
    'BODY_TOO_LARGE',
    `the request body is larger than ${limitBytes} bytes; /invocations takes an InferenceRequest (S3 keys), never image data`,
  );
}

export function respondJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

export function respondError(response: ServerResponse, error: HttpError): void {
  respondJson(response, error.status, { error: error.code, message: error.message });
}
