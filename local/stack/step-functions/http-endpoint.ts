import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http-server';
import { StepFunctionsError, type ExecutionRecord, type LocalStepFunctions } from './service';

/** Step Functions caps request payloads at 256 KB plus envelope; a bit more is room for the JSON around it. */
const REQUEST_LIMIT_BYTES = 1024 * 1024;
const TARGET_PREFIX = 'AWSStepFunctions.';

type Operation = (service: LocalStepFunctions, body: Record<string, unknown>) => unknown;

const OPERATIONS: Record<string, Operation> = {
  StartExecution: (service, body) => {
    const { executionArn, startDate } = service.startExecution({
      stateMachineArn: optionalString(body.stateMachineArn),
      name: optionalString(body.name),
      input: optionalString(body.input),
    });
    return { executionArn, startDate: epochSeconds(startDate) };
  },
  DescribeExecution: (service, body) =>
    describe(service.describeExecution(requiredString(body, 'executionArn'))),
  SendTaskSuccess: (service, body) => {
    service.sendTaskSuccess(requiredString(body, 'taskToken'), requiredString(body, 'output'));
    return {};
  },
  SendTaskFailure: (service, body) => {
    service.sendTaskFailure(
      requiredString(body, 'taskToken'),
      optionalString(body.error),
      optionalString(body.cause),
    );
    return {};
  },
  SendTaskHeartbeat: (service, body) => {
    service.sendTaskHeartbeat(requiredString(body, 'taskToken'));
    return {};
  },
};

/**
 * The Step Functions API (awsJson1_0: POST / with `X-Amz-Target: AWSStepFunctions.<Operation>`) over the
 * local runner, so that the handlers' real SFNClient starts executions and completes task tokens through
 * AWS_ENDPOINT_URL_SFN. Requests are not signature-checked: it listens on the loopback interface only.
 */
export function createStepFunctionsEndpoint(service: LocalStepFunctions): Server {
  return createServer((request, response) => {
    handle(service, request, response).catch((error: unknown) => {
      sendJson(response, 500, { __type: 'InternalFailure', message: (error as Error).message });
    });
  });
}

async function handle(service: LocalStepFunctions, request: IncomingMessage, response: ServerResponse) {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX)
    ? OPERATIONS[target.slice(TARGET_PREFIX.length)]
    : undefined;
  if (request.method !== 'POST' || !operation) {
    request.resume();
    return sendError(
      response,
      new StepFunctionsError('UnknownOperationException', `unsupported operation ${target}`),
    );
  }
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse((await readBody(request, REQUEST_LIMIT_BYTES)).toString('utf8'));
    if (!parsed || typeof parsed !== 'object') throw new SyntaxError('not an object');
    body = parsed as Record<string, unknown>;
  } catch (error) {
    return sendError(response, new StepFunctionsError('SerializationException', (error as Error).message));
  }
  try {
    sendJson(response, 200, operation(service, body));
  } catch (error) {
    if (!(error instanceof StepFunctionsError)) throw error;
    sendError(response, error);
  }
}

function sendError(response: ServerResponse, error: StepFunctionsError): void {
  sendJson(response, 400, { __type: error.type, message: error.message }, { 'x-amzn-errortype': error.type });
}

function describe(record: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: record.executionArn,
    name: record.name,
    status: record.status,
    input: record.input,
    output: record.output,
    error: record.error,
    cause: record.cause,
    startDate: epochSeconds(record.startDate),
    stopDate: record.stopDate && epochSeconds(record.stopDate),
  };
}

const epochSeconds = (date: Date) => date.getTime() / 1000;

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string') throw new StepFunctionsError('ValidationException', `${field} is required`);
  return value;
}
