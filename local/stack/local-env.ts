import { FUNCTION_ENV } from '../../core/pipeline/function-env';

/** s3rver accepts only these; dynalite and the local endpoints accept any, so every client uses them. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
/** s3rver's events always say us-east-1. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** Resource names of the local stack. */
export const LOCAL_NAMES = {
  studiesBucket: 'sap-studies',
  modelsBucket: 'sap-models',
  studiesTable: 'sap-studies',
  stateMachineArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:sap-pipeline`,
  inferenceEndpoint: 'sap-pipeline-inference',
} as const;

export interface LocalEndpoints {
  s3: string;
  dynamodb: string;
  stepFunctions: string;
  sagemakerRuntime: string;
}

/**
 * The environment the deployed functions get from the stack, pointed at the local servers: the SDK's own
 * AWS_ENDPOINT_URL_* variables, SAP_LOCAL_S3 for s3rver's quirks (lambdas/shared/aws-clients.ts), the
 * local credentials and region.
 */
export function handlerEnvironment(
  endpoints: LocalEndpoints,
  xgboostModelPrefix: string,
  logLevel: string,
): Record<string, string | undefined> {
  return {
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: endpoints.sagemakerRuntime,
    SAP_LOCAL_S3: '1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
    // A user's AWS settings must not leak in: no session token, profile or global endpoint override.
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    [FUNCTION_ENV.studiesBucket]: LOCAL_NAMES.studiesBucket,
    [FUNCTION_ENV.modelsBucket]: LOCAL_NAMES.modelsBucket,
    [FUNCTION_ENV.studiesTable]: LOCAL_NAMES.studiesTable,
    [FUNCTION_ENV.stateMachineArn]: LOCAL_NAMES.stateMachineArn,
    [FUNCTION_ENV.inferenceEndpoint]: LOCAL_NAMES.inferenceEndpoint,
    [FUNCTION_ENV.xgboostModelPrefix]: xgboostModelPrefix,
    POWERTOOLS_LOG_LEVEL: logLevel,
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

/** Sets (or, for undefined values, removes) the variables; returns a function that puts the old ones back. */
export function applyEnvironment(values: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const set = (entries: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  set(values);
  return () => set(previous);
}
