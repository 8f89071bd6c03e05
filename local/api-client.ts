import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { UploadRequest } from '../core/study/upload-plan';
import type { StudyItem } from '../lambdas/shared/studies-table';

/** Environment variable holding the deployed results API URL (the stack's ResultsApiUrl output). */
export const API_URL_ENV = 'SAP_API_URL';
const REGION_IN_HOST = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/;

/** What GET /studies/{studyId} returns (docs/openapi.yaml, Study). */
export type StudyView = Pick<
  StudyItem,
  'studyId' | 'status' | 'manifestVersion' | 'updatedAt' | 'stages' | 'error' | 'result' | 'rescore'
> & { reportUrl?: string };

/** What POST /studies/{studyId}/rescore returns (docs/openapi.yaml, RescoreStarted). */
export interface RescoreStarted {
  studyId: string;
  executionName: string;
  modelVersion: string;
}

/** What POST /studies returns (docs/openapi.yaml, UploadPlan): one page of the uploads. */
export interface UploadPlanResponse {
  studyId: string;
  uploads: { path: string; key: string; url: string }[];
  /** Where the next page starts (`from` of the next request); absent on the last page. */
  next?: number;
  expiresAt: string;
  note: string;
}

/** Where the results API is: the local stack (plain HTTP) or a deployed stack (SigV4-signed). */
export interface ApiTarget {
  baseUrl: string;
  signed: boolean;
}

/** An answer of the API other than success: its status and the {error, message} body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'API_ERROR';
  }
}

/** The API could not be reached at all (refused, DNS, TLS): nothing was answered. */
export class ApiUnreachable extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `cannot reach the results API at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'API_UNREACHABLE';
  }
}

/** The command-line options that name the results API. */
export interface ApiOptions {
  /** The local stack's API (`sap serve` prints it): plain HTTP, unsigned. */
  endpoint?: string;
  /** A deployed stack's API: SigV4-signed with the AWS SDK's credentials. */
  api?: string;
}

/**
 * `--endpoint URL` is the local stack's API (unsigned); `--api URL`, else $SAP_API_URL, a deployed one
 * (signed). Returns a message for the user when neither is given or both are.
 */
export function resolveApiTarget(
  options: ApiOptions,
  env: NodeJS.ProcessEnv = process.env,
): ApiTarget | string {
  if (options.endpoint !== undefined && options.api !== undefined)
    return '--endpoint (the local stack) and --api (a deployed stack) exclude each other';
  const url = options.endpoint ?? options.api ?? env[API_URL_ENV];
  if (!url)
    return (
      `which results API? Pass --endpoint URL for the local stack (sap serve prints it), or --api URL / ` +
      `$${API_URL_ENV} for a deployed stack: its ResultsApiUrl output, e.g.\n` +
      `  aws cloudformation describe-stacks --stack-name SapPipeline-eu-west-1 ` +
      `--query "Stacks[0].Outputs[?OutputKey=='ResultsApiUrl'].OutputValue" --output text`
    );
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    return `${JSON.stringify(url)} is not an http(s) URL`;
  return { baseUrl: url.replace(/\/+$/, ''), signed: options.endpoint === undefined };
}

/** A client of the results API (docs/openapi.yaml). Signed requests use the AWS SDK's credential chain. */
export class ResultsApiClient {
  private readonly signer?: SignatureV4;

  constructor(readonly target: ApiTarget) {
    if (target.signed) {
      this.signer = new SignatureV4({
        service: 'execute-api',
        region: () => regionOf(target.baseUrl),
        credentials: defaultProvider(),
        sha256: Sha256,
      });
    }
  }

  /**
   * Every upload URL of a study, the manifest's last: the API answers a page at a time (a large series'
   * URLs are over Lambda's 6 MB response limit together), so the same listing is sent again with the
   * studyId and `from` until no `next` comes back. `expiresAt` is the first page's, the earliest.
   */
  async createStudy(request: UploadRequest): Promise<UploadPlanResponse> {
    const first = await this.createStudyPage(request);
    const { studyId, expiresAt } = first;
    let page = first;
    const uploads = [...page.uploads];
    for (let from = page.next; from !== undefined; from = page.next) {
      page = await this.createStudyPage({ ...request, studyId, from });
      if (page.studyId !== studyId || page.uploads.length === 0 || (page.next ?? Infinity) <= from)
        throw new Error(`the results API answered page ${from} of study ${studyId} inconsistently`);
      uploads.push(...page.uploads);
    }
    return { studyId, uploads, expiresAt, note: page.note };
  }

  /** One page of POST /studies: the uploads from `request.from` (default 0). */
  async createStudyPage(request: UploadRequest): Promise<UploadPlanResponse> {
    return (await this.send('POST', '/studies', JSON.stringify(request))) as UploadPlanResponse;
  }

  /** Starts a rescore of a COMPLETED study with another fusion model version. */
  async rescore(studyId: string, modelVersion: string): Promise<RescoreStarted> {
    const path = `/studies/${encodeURIComponent(studyId)}/rescore`;
    return (await this.send('POST', path, JSON.stringify({ modelVersion }))) as RescoreStarted;
  }

  /** The study, or undefined while there is none with this id (a study appears once its manifest arrives). */
  async getStudy(studyId: string): Promise<StudyView | undefined> {
    try {
      return (await this.send('GET', `/studies/${encodeURIComponent(studyId)}`)) as StudyView;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The completed study's FHIR R4 RiskAssessment (GET /studies/{studyId}/fhir, application/fhir+json). */
  async getRiskAssessment(studyId: string): Promise<unknown> {
    return this.send(
      'GET',
      `/studies/${encodeURIComponent(studyId)}/fhir`,
      undefined,
      'application/fhir+json',
    );
  }

  private async send(
    method: string,
    path: string,
    body?: string,
    accept = 'application/json',
  ): Promise<unknown> {
    const url = new URL(this.target.baseUrl + path);
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const signed = this.signer ? await this.sign(url, method, headers, body) : headers;
    let response: Response;
    try {
      response = await fetch(url, { method, headers: signed, body });
    } catch (error) {
      throw new ApiUnreachable(
        this.target.baseUrl,
        error instanceof Error && error.cause ? error.cause : error,
      );
    }
    const text = await response.text();
    const json = parseJson(text);
    if (response.ok && json !== undefined) return json;
    const answer = (json ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(
      response.status,
      typeof answer.error === 'string' ? answer.error : `HTTP_${response.status}`,
      typeof answer.message === 'string' ? answer.message : `${method} ${path}: HTTP ${response.status}`,
    );
  }

  /** SigV4 headers for the request; the host is signed as fetch will send it. */
  private async sign(url: URL, method: string, headers: Record<string, string>, body?: string) {
    const request = await this.signer!.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      body,
    });
    // fetch sets the host header itself (from the URL, as signed).
    return Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host'));
  }
}

/** The region of an execute-api URL, else the AWS SDK's own region chain (environment, shared config). */
async function regionOf(baseUrl: string): Promise<string> {
  const fromHost = REGION_IN_HOST.exec(new URL(baseUrl).hostname)?.[1];
  if (fromHost) return fromHost;
  // A client is made only to ask the SDK's region chain; it never sends anything.
  const { S3Client } = await import('@aws-sdk/client-s3');
  const region = await new S3Client({}).config.region();
  if (!region) throw new Error(`no AWS region in ${baseUrl}: set AWS_REGION or a profile region`);
  return region;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
