import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Every local server binds to the loopback interface only: nothing on the network can reach it. */
export const LOOPBACK = '127.0.0.1';

/** How often, and how far apart, a named port found busy is tried again. */
const BUSY_PORT_ATTEMPTS = 20;
const BUSY_PORT_WAIT_MS = 100;

/**
 * Listens on `port` (0: a free one) of the loopback interface; resolves with the port taken. A named port
 * is one a previous stack of this process had (its functions' clients still point there): another process
 * may hold it for a moment (a parallel test's connection takes its local port from the same ephemeral
 * range), so EADDRINUSE is retried for two seconds, as Node's documentation does it
 * (https://nodejs.org/docs/latest-v20.x/api/net.html#serverlisten).
 */
export async function listen(server: Server, port = 0, host = LOOPBACK): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await listenOnce(server, port, host);
    } catch (error) {
      const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port === 0 || !busy || attempt === BUSY_PORT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, BUSY_PORT_WAIT_MS));
    }
  }
}

function listenOnce(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and drops open keep-alive connections, so that no socket keeps the process alive. */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** A request body up to `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) throw new RangeError(`request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    })
    .end(text);
}
