import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The parts of docs/openapi.yaml these checks read. */
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { responses: Record<string, ResponseObject>; schemas: Record<string, unknown> };
}
interface ResponseObject {
  $ref?: string;
  'x-generated-by'?: string;
  content?: Record<string, { schema?: unknown }>;
}

export interface DocumentedResponse {
  method: string;
  path: string;
  status: string;
}

/** An id for resolving the document's own `#/...` references; never fetched. */
const DOCUMENT_ID = 'https://sap-pipeline.invalid/docs/openapi.yaml';
const JSON_MEDIA = 'application/json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export const openApiDocument = parse(
  readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8'),
) as OpenApiDocument;

// OpenAPI 3.1 schemas are JSON Schema 2020-12. The whole document is registered as one schema so that its
// `#/components/...` references resolve as written; its top-level fields are not schema keywords.
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addVocabulary(['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components']);
ajv.addSchema({ ...openApiDocument, $id: DOCUMENT_ID });
const compiled = new Map<string, ValidateFunction>();

/**
 * Checks a response against docs/openapi.yaml: `path` is the documented template (`/studies/{studyId}`) or a
 * concrete path (`/studies/abc?x=1`), `body` the parsed JSON or its text. Returns what is wrong, [] when valid,
 * so a test can `expect(validateAgainstOpenApi(...)).toEqual([])` and see every error.
 */
export function validateAgainstOpenApi(
  method: string,
  path: string,
  status: number | string,
  body: unknown,
): string[] {
  const template = documentedPath(path);
  const where = `${method.toUpperCase()} ${path} → ${status}`;
  const operation = template ? openApiDocument.paths[template]?.[method.toLowerCase()] : undefined;
  if (!template || !operation) return [`${where}: no such operation in docs/openapi.yaml`];
  const pointer = responseSchemaPointer(template, method.toLowerCase(), String(status));
  if (!pointer) return [`${where}: this status (with a JSON body) is not documented`];
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
    compiled.set(pointer, validate);
  }
  const value = typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

/** Every documented (operation, status) whose body the handler produces; API Gateway's own are left out. */
export function documentedResponses(): DocumentedResponse[] {
  return Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([, response]) => resolveResponse(response)[0]['x-generated-by'] === undefined)
          .map(([status]) => ({ method: method.toUpperCase(), path, status })),
      ),
  );
}

function documentedPath(path: string): string | undefined {
  const bare = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  if (openApiDocument.paths[bare]) return bare;
  return Object.keys(openApiDocument.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare),
  );
}

/** JSON pointer (URI-fragment encoded) to the response's JSON schema, following a `$ref` to components. */
function responseSchemaPointer(path: string, method: string, status: string): string | undefined {
  const response = openApiDocument.paths[path]?.[method]?.responses[status];
  if (!response) return undefined;
  const [resolved, at] = resolveResponse(response, ['paths', path, method, 'responses', status]);
  if (resolved.content?.[JSON_MEDIA]?.schema === undefined) return undefined;
  return [...at, 'content', JSON_MEDIA, 'schema']
    .map((segment) => '/' + encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1')))
    .join('');
}

function resolveResponse(response: ResponseObject, at: string[] = []): [ResponseObject, string[]] {
  const name = response.$ref?.match(/^#\/components\/responses\/(.+)$/)?.[1];
  if (name === undefined) return [response, at];
  const target = openApiDocument.components.responses[name];
  if (!target) throw new Error(`docs/openapi.yaml: unresolved ${response.$ref}`);
  return [target, ['components', 'responses', name]];
}
