import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { INCOMING_PREFIX, RESULTS_PREFIX } from '../../core/study/keys';
import { LIMITS } from '../../core/ingest/limits';
import { MODEL_VERSION_PATTERN } from '../../core/study/model-keys';
import { STUDY_ID_PATTERN } from '../../core/study/study-id';
import type { PipelineOptions } from '../config';
import { PipelineFunction } from './pipeline-function';
import { encryptedLogGroup } from './secure-defaults';
import type { Storage } from './storage';

/** The cards of every fusion model version: a rescore may name any of them. */
export const RESCORE_MODEL_CARDS = 'models/xgboost/*/model-card.json';

/** Polling every few seconds from one hospital gateway stays far below this. */
const REQUESTS_PER_5_MINUTES_PER_ADDRESS = 1000;

export interface ResultsApiProps {
  storage: Storage;
  options: PipelineOptions;
  /** The single-study state machine, which POST /studies/{studyId}/rescore starts in rescore mode. */
  studyStateMachine: sfn.IStateMachine;
}

/**
 * The hospital-facing REST API (docs/openapi.yaml): POST /studies, GET /studies/{studyId},
 * GET /studies?status=&limit=&next=, POST /studies/{studyId}/rescore.
 * Every method needs SigV4 (IAM) and the resource policy admits only the configured principals.
 */
export class ResultsApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly handler: PipelineFunction;

  constructor(scope: Construct, id: string, props: ResultsApiProps) {
    super(scope, id);
    const { storage, options, studyStateMachine } = props;
    this.handler = new PipelineFunction(this, 'Handler', {
      sizing: { handler: 'lambdas/api/handler.ts', memoryMb: 512, timeoutSeconds: 10 },
      key: storage.key,
      logRetentionDays: options.logRetentionDays,
      environment: {
        [FUNCTION_ENV.studiesBucket]: storage.studies.bucketName,
        [FUNCTION_ENV.studiesTable]: storage.table.tableName,
        [FUNCTION_ENV.modelsBucket]: storage.models.bucketName,
        [FUNCTION_ENV.stateMachineArn]: studyStateMachine.stateMachineArn,
      },
    });
    storage.table.grantReadData(this.handler.function);
    // Presigned upload URLs carry the function's permission to write incoming/ and nothing else.
    storage.studies.grantPut(this.handler.function, `${INCOMING_PREFIX}*`);
    // Presigned report URLs (lambdas/shared/report-url.ts) carry its permission to read results/.
    storage.studies.grantRead(this.handler.function, `${RESULTS_PREFIX}*`);
    // A rescore checks that the fusion model version has a card, then starts the study state machine.
    storage.models.grantRead(this.handler.function, RESCORE_MODEL_CARDS);
    studyStateMachine.grantStartExecution(this.handler.function);

    const callers =
      options.apiPrincipals.length > 0
        ? options.apiPrincipals.map((arn) => new iam.ArnPrincipal(arn))
        : [new iam.AccountRootPrincipal()];
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'sap-pipeline results API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new apigateway.LogGroupLogDestination(
          encryptedLogGroup(this, 'AccessLogs', storage.key, options.logRetentionDays),
        ),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Request and response bodies may hold clinical data: never log them.
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
      },
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            principals: callers,
            actions: ['execute-api:Invoke'],
            resources: [Stack.of(this).formatArn({ service: 'execute-api', resource: '*' })],
          }),
          ...denyOtherCallers(options.apiPrincipals, this),
        ],
      }),
    });
    // API Gateway turns away malformed requests before they cost a Lambda call; the handler checks again.
    const requestValidator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const uploadRequest = this.api.addModel('UploadRequest', {
      contentType: 'application/json',
      schema: {
        schema: apigateway.JsonSchemaVersion.DRAFT4,
        type: apigateway.JsonSchemaType.OBJECT,
        required: ['files'],
        properties: {
          studyId: { type: apigateway.JsonSchemaType.STRING, pattern: STUDY_ID_PATTERN.source },
          files: {
            type: apigateway.JsonSchemaType.ARRAY,
            minItems: 1,
            maxItems: LIMITS.maxFiles + 1,
            items: {
              type: apigateway.JsonSchemaType.OBJECT,
              required: ['path', 'size'],
              properties: {
                path: { type: apigateway.JsonSchemaType.STRING },
                size: { type: apigateway.JsonSchemaType.INTEGER, minimum: 0 },
                sha256: { type: apigateway.JsonSchemaType.STRING },
              },
            },
          },
        },
      },
    });
    const integration = new apigateway.LambdaIntegration(this.handler.function);
    const studies = this.api.root.addResource('studies');
    studies.addMethod('POST', integration, {
      requestValidator,
      requestModels: { 'application/json': uploadRequest },
    });
    studies.addMethod('GET', integration, {
      requestParameters: {
        'method.request.querystring.status': true,
        'method.request.querystring.limit': false,
        'method.request.querystring.next': false,
      },
      requestValidator,
    });
    const study = studies.addResource('{studyId}');
    study.addMethod('GET', integration, {
      requestParameters: { 'method.request.path.studyId': true },
      requestValidator,
    });
    const rescoreRequest = this.api.addModel('RescoreRequest', {
      contentType: 'application/json',
      schema: {
        schema: apigateway.JsonSchemaVersion.DRAFT4,
        type: apigateway.JsonSchemaType.OBJECT,
        required: ['modelVersion'],
        additionalProperties: false,
        properties: {
          modelVersion: { type: apigateway.JsonSchemaType.STRING, pattern: MODEL_VERSION_PATTERN.source },
        },
      },
    });
    study.addResource('rescore').addMethod('POST', integration, {
      requestParameters: { 'method.request.path.studyId': true },
      requestValidator,
      requestModels: { 'application/json': rescoreRequest },
    });

    this.addFirewall(props);
    this.addErrorBodies();
  }

  /**
   * Errors API Gateway answers itself (bad signature, throttled, malformed request) get the handler's error
   * body {error, message} too, so clients parse one shape (docs/openapi.yaml, Error).
   */
  private addErrorBodies(): void {
    const body = (code: string) => ({
      'application/json': `{"error":"${code}","message":$context.error.messageString}`,
    });
    this.api.addGatewayResponse('InvalidBody', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      templates: body('INVALID_BODY'),
    });
    this.api.addGatewayResponse('InvalidQuery', {
      type: apigateway.ResponseType.BAD_REQUEST_PARAMETERS,
      templates: body('INVALID_QUERY'),
    });
    for (const [id, type] of [
      ['Default4xx', apigateway.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigateway.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, { type, templates: body('$context.error.responseType') });
    }
  }

  /** AWS managed rules against common exploits and known bad inputs, and a per-address rate limit. */
  private addFirewall({ storage, options }: ResultsApiProps): void {
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName: name },
    });
    const acl = new wafv2.CfnWebACL(this, 'Firewall', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        sampledRequestsEnabled: true,
        cloudWatchMetricsEnabled: true,
        metricName: 'sap-results-api',
      },
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'RateLimitPerAddress',
          priority: 3,
          statement: {
            rateBasedStatement: { limit: REQUESTS_PER_5_MINUTES_PER_ADDRESS, aggregateKeyType: 'IP' },
          },
          action: { block: {} },
          visibilityConfig: {
            sampledRequestsEnabled: true,
            cloudWatchMetricsEnabled: true,
            metricName: 'RateLimitPerAddress',
          },
        },
      ],
    });
    // WAF delivers only to log groups named aws-waf-logs-*; the authorization header is never logged.
    const logGroupName = `aws-waf-logs-${Stack.of(this).stackName}`;
    const wafLogs = encryptedLogGroup(
      this,
      'FirewallLogs',
      storage.key,
      options.logRetentionDays,
      logGroupName,
    );
    const logging = new wafv2.CfnLoggingConfiguration(this, 'FirewallLogging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    logging.node.addDependency(wafLogs);
    new wafv2.CfnWebACLAssociation(this, 'FirewallAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
  }
}

/**
 * Within the API's own account an identity policy alone admits a caller (the resource policy need not
 * allow it), so configured principals also need an explicit deny of everyone else
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
 * An account root ARN admits that account's principals.
 */
function denyOtherCallers(principals: string[], scope: Construct): iam.PolicyStatement[] {
  if (principals.length === 0) return [];
  const accounts = principals.flatMap((arn) => /^arn:[^:]+:iam::(\d{12}):root$/.exec(arn)?.[1] ?? []);
  const identities = principals.filter((arn) => !arn.endsWith(':root'));
  return [
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['execute-api:Invoke'],
      resources: [Stack.of(scope).formatArn({ service: 'execute-api', resource: '*' })],
      conditions: {
        ...(identities.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': identities } } : {}),
        ...(accounts.length > 0 ? { StringNotEquals: { 'aws:PrincipalAccount': accounts } } : {}),
      },
    }),
  ];
}
