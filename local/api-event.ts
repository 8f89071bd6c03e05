import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';

/** The API Gateway resources of the results API (lib/constructs/results-api.ts), matched as it would. */
const RESOURCES = [
  { resource: '/studies', pattern: /^\/studies\/?$/, parameter: undefined },
  { resource: '/studies/{studyId}', pattern: /^\/studies\/([^/]+)\/?$/, parameter: 'studyId' },
  { resource: '/studies/{studyId}/fhir', pattern: /^\/studies\/([^/]+)\/fhir\/?$/, parameter: 'studyId' },
  {
    resource: '/studies/{studyId}/rescore',
    pattern: /^\/studies\/([^/]+)\/rescore\/?$/,
    parameter: 'studyId',
  },
] as const;

export interface HttpRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  sourceIp: string;
  body: string | null;
}

/**
 * The REST API proxy event that API Gateway would hand the function for this request, or undefined when no
 * resource of the API matches the path. Path parameters arrive decoded, as API Gateway decodes them.
 */
export function toProxyEvent(request: HttpRequest): APIGatewayProxyEvent | undefined {
  const path = request.url.pathname;
  for (const { resource, pattern, parameter } of RESOURCES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const value = match[1];
    const pathParameters = parameter && value !== undefined ? { [parameter]: decoded(value) } : null;
    return {
      httpMethod: request.method,
      resource,
      path,
      pathParameters,
      ...queryParameters(request.url.searchParams),
      ...headerMaps(request.headers),
      stageVariables: null,
      body: request.body,
      isBase64Encoded: false,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        authorizer: null,
        protocol: 'HTTP/1.1',
        httpMethod: request.method,
        identity: localIdentity(request),
        path,
        stage: 'local',
        requestId: randomUUID(),
        requestTimeEpoch: Date.now(),
        resourceId: 'local',
        resourcePath: resource,
      },
    };
  }
  return undefined;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // not valid percent-encoding: the handler refuses it as a malformed id
  }
}

/** API Gateway keeps the last value of a repeated parameter in the single-value map. */
function queryParameters(search: URLSearchParams) {
  const keys = [...new Set(search.keys())];
  if (keys.length === 0) return { queryStringParameters: null, multiValueQueryStringParameters: null };
  return {
    queryStringParameters: Object.fromEntries(keys.map((k) => [k, search.getAll(k).at(-1)!])),
    multiValueQueryStringParameters: Object.fromEntries(keys.map((k) => [k, search.getAll(k)])),
  };
}

function headerMaps(headers: IncomingHttpHeaders) {
  const entries = Object.entries(headers).filter(([, v]) => v !== undefined) as [string, string | string[]][];
  const all = entries.map(([name, v]) => [name, Array.isArray(v) ? v : [v]] as const);
  return {
    headers: Object.fromEntries(all.map(([name, values]) => [name, values.at(-1)])),
    multiValueHeaders: Object.fromEntries(all.map(([name, values]) => [name, [...values]])),
  };
}

function localIdentity(request: HttpRequest): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: request.sourceIp,
    user: null,
    userAgent: request.headers['user-agent'] ?? null,
    userArn: null,
  };
}
