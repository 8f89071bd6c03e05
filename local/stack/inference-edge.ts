import { createServer, type Server } from 'node:http';
import { closeServer, listen, LOOPBACK, sendJson } from './http-server';
import type { FaultSwitch } from './faults';

export interface InferenceEdge {
  /** Serves the `hang` and `error` faults; the stack closes it with the others. */
  server: Server;
  /** Where the endpoint sends its next invocation: the container, or a fault in its place. */
  containerUrl(): Promise<string>;
}

/**
 * The inference container as the local SageMaker endpoint reaches it, with the switch's inference faults:
 * `refused` sends the invocation to a loopback port nothing listens on, `hang` to a server that never
 * answers, `error` to one that answers with the fault's status. Each invocation asks the switch once.
 */
export async function startInferenceEdge(
  container: Promise<string>,
  faults: FaultSwitch,
): Promise<InferenceEdge> {
  const server = createServer((request, response) => {
    request.resume();
    const match = /^\/error\/(\d{3})\//.exec(request.url ?? '');
    // A hung request stays open until the endpoint gives up on it (or the stack stops).
    if (!match) return;
    const status = Number(match[1]);
    sendJson(response, status, {
      code: status >= 500 ? 'INFERENCE_FAILED' : 'INVALID_REQUEST',
      message: `the inference server answered ${status} (fault injected by the local stack)`,
    });
  });
  const port = await listen(server);
  const closedPort = await unusedPort();
  const edge = `http://${LOOPBACK}:${port}`;
  return {
    server,
    containerUrl: async () => {
      const fault = faults.inferenceFault();
      if (!fault) return container;
      if (fault.kind === 'refused') return `http://${LOOPBACK}:${closedPort}`;
      return fault.kind === 'hang' ? `${edge}/hang` : `${edge}/error/${fault.status ?? 500}`;
    },
  };
}

/** A loopback port that was free a moment ago: connections to it are refused. */
async function unusedPort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await closeServer(probe);
  return port;
}
