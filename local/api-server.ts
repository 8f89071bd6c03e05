import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { handler } from '../lambdas/api/handler';
import { toProxyEvent } from './api-event';
import { runAs } from './stack/iam/caller-context';
import { invokedAs } from './stack/iam/implied-calls';
import { apiGatewayRequest } from './stack/iam/principals';
import { closeServer, listen, LOOPBACK, readBody, sendJson } from './stack/http-server';
import { lambdaResponseLimit } from './stack/step-functions/service-limits';

/** The handler module, as the stack's function definition names it. */
const API_HANDLER = 'lambdas/api/handler.ts';
/** API Gateway's payload limit: a larger body never reaches the function in the cloud either. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Longer than any client's idle keep-alive, as a load balancer in front of a service is set. */
const IDLE_CONNECTION_SECONDS = 65;

export interface ApiServerOptions {
  /** Default: a free port chosen by the system. */
  port?: number;
  /** Default: 127.0.0.1. Only the loopback interface: the local API has no authentication. */
  host?: typeof LOOPBACK;
}

export interface ApiServer {
  /** Base URL of the results API, without a trailing slash: `${url}/studies/{studyId}`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The results API of the local stack: plain HTTP requests become the API Gateway proxy events the cloud
 * sends, answered by the same handler (lambdas/api/handler.ts). Like the function, the handler reads its
 * table and bucket from process.env, which the local stack sets.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const host = options.host ?? LOOPBACK;
  const server = createServer((request, response) => void serve(request, response));
  // Clients (fetch keeps idle sockets 4 s) must close an idle connection before the server does: a server
  // closing it first races a request sent on it, which then fails with ECONNRESET on a busy machine.
  server.keepAliveTimeout = IDLE_CONNECTION_SECONDS * 1000;
  const port = await listen(server, options.port ?? 0, host);
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const noStore = { 'cache-control': 'no-store' };
  try {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let body: Buffer;
    try {
      body = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const message = `bodies are limited to ${MAX_BODY_BYTES} bytes`;
      sendJson(response, 413, { error: 'PAYLOAD_TOO_LARGE', message }, noStore);
      return;
    }
    const event = toProxyEvent({
      method: request.method ?? 'GET',
      url,
      headers: request.headers,
      sourceIp: request.socket.remoteAddress ?? LOOPBACK,
      body: body.byteLength === 0 ? null : body.toString('utf8'),
    });
    if (!event) {
      sendJson(response, 404, { error: 'NOT_FOUND', message: `no resource ${url.pathname}` }, noStore);
      return;
    }
    // API Gateway invokes the function through its resource policy; the handler's calls are its role's.
    const result = await runAs(apiGatewayRequest(event.httpMethod, url.pathname), () =>
      invokedAs(API_HANDLER, () => handler(event)),
    );
    // Lambda refuses a synchronous response over 6 MB; API Gateway then answers 502 with its generic body
    // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
    // https://repost.aws/knowledge-center/api-gateway-5xx-error).
    const refused = lambdaResponseLimit(JSON.stringify(result));
    if (refused) {
      process.stderr.write(`results API: ${refused.Error} for ${event.httpMethod} ${event.resource}\n`);
      sendJson(response, 502, { message: 'Internal server error' });
      return;
    }
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    response.writeHead(result.statusCode, headers).end(result.body);
  } catch (error) {
    // The handler answers its own failures; this is the adapter failing (a broken connection, say).
    process.stderr.write(`results API: ${error instanceof Error ? error.name : 'error'} serving a request\n`);
    if (!response.headersSent)
      sendJson(response, 500, { error: 'INTERNAL_ERROR', message: 'the request failed' }, noStore);
    else response.destroy();
  }
}
