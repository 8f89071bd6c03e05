import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import {
  FUNCTION_RUNTIME_ENV,
  FUNCTIONS,
  functionEnvironment,
  type FunctionEnvValues,
  type FunctionName,
} from '../../core/pipeline/functions';

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

/** Prefixes in the models bucket of the model versions the local stack runs (`models/{kind}/{version}/`). */
export interface LocalModelPrefixes {
  xgboost: string;
  unet: string;
  resnet: string;
}

/** The local stack's values of the stack's variables (FUNCTION_ENV): its resource names. */
export function localFunctionEnvValues(models: LocalModelPrefixes): FunctionEnvValues {
  return {
    studiesBucket: LOCAL_NAMES.studiesBucket,
    modelsBucket: LOCAL_NAMES.modelsBucket,
    studiesTable: LOCAL_NAMES.studiesTable,
    stateMachineArn: LOCAL_NAMES.stateMachineArn,
    inferenceEndpoint: LOCAL_NAMES.inferenceEndpoint,
    xgboostModelPrefix: models.xgboost,
    unetModelPrefix: models.unet,
    resnetModelPrefix: models.resnet,
  };
}

/**
 * A function's own environment in the local stack: the template's (functionEnvironment of its definition,
 * core/pipeline/functions.ts) with the local resource names. A locally invoked handler sees exactly this
 * plus FUNCTION_LOCAL_OVERRIDES (function-scope.ts).
 */
export function localFunctionEnvironment(
  name: FunctionName,
  models: LocalModelPrefixes,
): Record<string, string> {
  return functionEnvironment(FUNCTIONS[name], localFunctionEnvValues(models));
}

/**
 * What the Lambda runtime itself sets in every function and the handlers read: its memory size in MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Reserved, so absent from the template's Environment; the local stack adds it to each function's scope.
 * (Lambda documents no variable for the timeout; handlers learn it from the context.)
 */
export const LAMBDA_RUNTIME_VARIABLES = ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] as const;

/** The Lambda runtime's variables of a function (LAMBDA_RUNTIME_VARIABLES), from its definition. */
export function lambdaRuntimeEnvironment(name: FunctionName): Record<string, string> {
  return { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTIONS[name].memoryMb) };
}

/** The names that belong to functions: a call sees only its own function's values of these. */
export const FUNCTION_OWNED_VARIABLES: readonly string[] = [
  ...Object.values(FUNCTION_ENV),
  ...Object.keys(FUNCTION_RUNTIME_ENV),
  ...LAMBDA_RUNTIME_VARIABLES,
];

/**
 * What a locally invoked function's call sees of FUNCTION_OWNED_VARIABLES: its template environment
 * (localFunctionEnvironment) and what the Lambda runtime would set for it.
 */
export function localFunctionScope(name: FunctionName, models: LocalModelPrefixes): Record<string, string> {
  return { ...localFunctionEnvironment(name, models), ...lambdaRuntimeEnvironment(name) };
}

/**
 * The only variables a locally invoked function has that its deployed one has not (or has with another
 * value), the same for every function: the SDK's own AWS_ENDPOINT_URL_* pointed at the local servers,
 * SAP_LOCAL_S3 for s3rver's quirks (lambdas/shared/aws-clients.ts), the local credentials and region (the
 * Lambda runtime sets its own), the log level, no metrics. Undefined values are removed: a user's AWS
 * settings must not leak in (no session token, profile or global endpoint override).
 */
export function functionLocalOverrides(
  endpoints: LocalEndpoints,
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
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    POWERTOOLS_LOG_LEVEL: logLevel,
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

export interface ContainerLocalSettings {
  /** The S3 endpoint the container process talks to (the fault switch's edge, or a recording proxy). */
  s3Endpoint: string;
  port: number;
  threads: number;
  logLevel: string;
}

/**
 * The only variables the local container process has beyond the SageMaker model's environment
 * (inferenceContainerEnvironment, core/pipeline/container-settings.ts): S3 at the local endpoint, with
 * s3rver's credentials and without the checksums it stores as part of the body
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-dataintegrity.html); the port SageMaker would
 * name; CPU, as this machine has no GPU; threads and log level. The shared config files point nowhere,
 * so a developer's ~/.aws/config cannot supply a region the model's environment lacks.
 */
export function containerLocalOverrides(settings: ContainerLocalSettings): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: settings.s3Endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_CONFIG_FILE: NO_FILE,
    AWS_SHARED_CREDENTIALS_FILE: NO_FILE,
    // The container runs on Node 20 here by design (package.json engines): the SDK's notice is noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    SAGEMAKER_BIND_TO_PORT: String(settings.port),
    SAP_DEVICE: 'cpu',
    SAP_THREADS: String(settings.threads),
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
  };
}

/** A path that names no file. */
const NO_FILE = '/nonexistent/sap-local-stack/aws-config';

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
