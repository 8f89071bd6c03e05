import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * The SageMaker container contract: GET /ping answers 200 when the container can take work,
 * POST /invocations runs one inference. The U-Net + ResNet50 pipeline (issue #5) is not built yet, so
 * /invocations answers 501 with that reason: the endpoint's error topic then fails the study with it.
 */
export function createInferenceServer(): Server {
  return createServer(route);
}

function route(request: IncomingMessage, response: ServerResponse): void {
  if (request.method === 'GET' && request.url === '/ping') {
    respond(response, 200, { status: 'ok' });
  } else if (request.method === 'POST' && request.url === '/invocations') {
    request.resume();
    respond(response, 501, {
      error: 'NOT_IMPLEMENTED',
      message:
        'Infer: U-Net segmentation and 3D ResNet50 inference are not built yet (issue #5); no result was produced',
    });
  } else {
    respond(response, 404, { error: 'NOT_FOUND' });
  }
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
