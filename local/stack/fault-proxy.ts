import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { DYNAMO_ERRORS, S3_ERRORS, type DynamoErrorCode, type FaultSwitch, type S3ErrorCode } from './faults';

/** An answer given in place of the server's. */
export interface InjectedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An HTTP proxy in front of `upstream` that forwards every request as it came (the Host header included,
 * so SigV4 signatures still verify) unless `inject` answers it instead.
 */
export function createFaultProxy(
  upstream: string,
  inject: (request: IncomingMessage) => InjectedAnswer | undefined,
): Server {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((request, response) => {
    const answer = inject(request);
    if (answer) {
      // The body is read first: a client still sending it would see its connection reset.
      request.resume();
      request.on('end', () =>
        response
          .writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) })
          .end(answer.body),
      );
      return;
    }
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  server.on('close', () => agent.destroy());
  return server;
}

/** s3rver behind the switch's S3 faults (path-style requests: /{bucket}/{key}). */
export function createS3FaultProxy(upstream: string, faults: FaultSwitch): Server {
  return createFaultProxy(upstream, (request) => {
    const path = new URL(request.url ?? '/', 'http://s3').pathname;
    const slash = path.indexOf('/', 1);
    const key = slash < 0 ? '' : safeDecode(path.slice(slash + 1));
    const fault = faults.s3Fault(request.method ?? 'GET', key);
    return fault && s3Error(fault.code, path);
  });
}

/** dynalite behind the switch's DynamoDB faults (JSON 1.0 protocol: the operation is in X-Amz-Target). */
export function createDynamoFaultProxy(upstream: string, faults: FaultSwitch): Server {
  return createFaultProxy(upstream, (request) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const fault = faults.dynamoFault(target.slice(target.indexOf('.') + 1));
    return fault && dynamoError(fault.code);
  });
}

function s3Error(code: S3ErrorCode, resource: string): InjectedAnswer {
  const { status, message } = S3_ERRORS[code];
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${message}</Message>` +
      `<Resource>${escapeXml(resource)}</Resource><RequestId>local-fault</RequestId></Error>`,
  };
}

function dynamoError(code: DynamoErrorCode): InjectedAnswer {
  const { status, type, message } = DYNAMO_ERRORS[code];
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: type, message }),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
