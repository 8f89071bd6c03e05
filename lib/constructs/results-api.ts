import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FUNCTIONS, functionEnvironment } from '../../core/pipeline/functions';
import { INCOMING_PREFIX, RESULTS_PREFIX } from '../../core/study/keys';
import { LIMITS } from '../../core/input/limits';
import { MODEL_VERSION_PATTERN } from '../../core/study/model-keys';
import { STUDY_ID_PATTERN } from '../../core/study/study-id';
import type { PipelineOptions } from '../config';
import { PipelineFunction } from './pipeline-function';
import { encryptedLogGroup } from './secure-defaults';

/** The cards of every fusion model version: a rescore may name any of them. */
export const RESCORE_MODEL_CARDS = 'models/xgboost/*/model-card.json';

/** Polling every few seconds from one hospital gateway stays far below this. */
const REQUESTS_PER_5_MINUTES_PER_ADDRESS = 1000;

export interface ResultsApiProps extends Readonly<Pick<PipelineOptions, 'logRetentionDays'>> {
  readonly key: kms.IKey;
  /** Uploads go to incoming/ and reports are read from results/ through presigned URLs. */
  readonly studies: s3.IBucket;
  /** A rescore checks that the fusion model version it names has a card here. */
  readonly models: s3.IBucket;
  readonly table: dynamodb.ITableV2;
  /** The single-study state machine, which POST /studies/{studyId}/rescore starts in rescore mode. */
  readonly studyStateMachine: sfn.IStateMachine;
  /** IAM principal ARNs allowed to call the API; none: any IAM principal of the account. */
  readonly apiPrincipals: readonly string[];
}

/**
 * The hospital-facing REST API (docs/openapi.yaml): POST /studies, GET /studies/{studyId},
 * GET /studies/{studyId}/fhir, GET /studies?status=&limit=&next=, POST /studies/{studyId}/rescore.
 * Every method needs SigV4 (IAM) and the resource policy admits only the configured principals.
 */
export class ResultsApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly handler: PipelineFunction;

  constructor(scope: Construct, id: string, props: ResultsApiProps) {
    super(scope, id);
    const { key, models, table, studyStateMachine, apiPrincipals, logRetentionDays } = props;
    this.handler = new PipelineFunction(this, 'Handler', {
      sizing: FUNCTIONS.Api,
      key,
      logRetentionDays,
      environment: functionEnvironment(FUNCTIONS.Api, {
        studiesBucket: props.studies.bucketName,
        studiesTable: table.tableName,
        modelsBucket: models.bucketName,
        stateMachineArn: studyStateMachine.stateMachineArn,
      }),
    });
    table.grantReadData(this.handler.function);
    // Presigned upload URLs carry the function's permission to write incoming/ and nothing else.
    props.studies.grantPut(this.handler.function, `${INCOMING_PREFIX}*`);
    // Presigned report URLs (lambdas/shared/report-url.ts) carry its permission to read results/; it also
    // reads results/{id}/v-{digest}/risk-assessment.json itself for GET /studies/{studyId}/fhir.
    props.studies.grantRead(this.handler.function, `${RESULTS_PREFIX}*`);
    // A rescore checks that the fusion model version has a card, then starts the study state machine.
    models.grantRead(this.handler.function, RESCORE_MODEL_CARDS);
    studyStateMachine.grantStartExecution(this.handler.function);

    const callers =
      apiPrincipals.length > 0
        ? apiPrincipals.map((arn) => new iam.ArnPrincipal(arn))
        : [new iam.AccountRootPrincipal()];
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'sap-pipeline results API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new apigateway.LogGroupLogDestination(
          encryptedLogGroup(this, 'AccessLogs', key, logRetentionDays),
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
          ...denyOtherCallers(apiPrincipals, this),
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
    // The study's FHIR R4 RiskAssessment (lambdas/api/risk-assessment.ts).
    study.addResource('fhir').addMethod('GET', integration, {
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

  /**
   * AWS managed rules against common exploits and known bad inputs, a body-size limit outside uploads,
   * and a per-address rate limit.
   */
  private addFirewall({ key, logRetentionDays }: ResultsApiProps): void {
    const visibility = (metricName: string) => ({
      sampledRequestsEnabled: true,
      cloudWatchMetricsEnabled: true,
      metricName,
    });
    const managed = (
      name: string,
      priority: number,
      ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    });
    const acl = new wafv2.CfnWebACL(this, 'Firewall', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('sap-results-api'),
      rules: [
        // The core rule set's SizeRestrictions_BODY blocks every body over 8 KB
        // (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html),
        // and POST /studies lists up to LIMITS.maxFiles files: a few dozen already exceed it. The rule only
        // counts (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html)
        // and BodySizeOutsideUploads blocks the same sizes on every other route. A scope-down statement on
        // the group would instead exempt uploads from all of its rules; this way its other body rules
        // still inspect the upload listing, as far as WAF sees it (the first 16 KB on API Gateway).
        managed('AWSManagedRulesCommonRuleSet', 1, [
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'RateLimitPerAddress',
          priority: 3,
          statement: {
            rateBasedStatement: { limit: REQUESTS_PER_5_MINUTES_PER_ADDRESS, aggregateKeyType: 'IP' },
          },
          action: { block: {} },
          visibilityConfig: visibility('RateLimitPerAddress'),
        },
        {
          name: 'BodySizeOutsideUploads',
          priority: 4,
          statement: {
            andStatement: { statements: [largeBody(), { notStatement: { statement: upload() } }] },
          },
          action: { block: {} },
          visibilityConfig: visibility('BodySizeOutsideUploads'),
        },
      ],
    });
    const wafLogs = encryptedLogGroup(
      this,
      'FirewallLogs',
      key,
      logRetentionDays,
      firewallLogGroupName(Stack.of(this)),
    );
    // The authorization header is never logged.
    new wafv2.CfnLoggingConfiguration(this, 'FirewallLogging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: wafLogs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    new wafv2.CfnWebACLAssociation(this, 'FirewallAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
  }
}

/** The core rule set's body limit (SizeRestrictions_BODY): no request but an upload listing needs more. */
export const BODY_LIMIT_OUTSIDE_UPLOADS = 8 * 1024;

/**
 * A body over BODY_LIMIT_OUTSIDE_UPLOADS. API Gateway forwards WAF only the first 16 KB of a body; a
 * longer one is over the limit anyway, so oversize handling matches it
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-oversize-request-components.html).
 * The upload listing itself is bounded by the request model (files ≤ LIMITS.maxFiles + 1) and API
 * Gateway's 10 MB payload limit, which WAF cannot measure beyond what it inspects.
 */
function largeBody(): wafv2.CfnWebACL.StatementProperty {
  return {
    sizeConstraintStatement: {
      fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
      comparisonOperator: 'GT',
      size: BODY_LIMIT_OUTSIDE_UPLOADS,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

/** POST …/studies: the stage's path (/v1/studies) or a custom domain's mapping of it. */
function upload(): wafv2.CfnWebACL.StatementProperty {
  const matches = (
    fieldToMatch: wafv2.CfnWebACL.FieldToMatchProperty,
    searchString: string,
    positionalConstraint: 'EXACTLY' | 'ENDS_WITH',
  ): wafv2.CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      fieldToMatch,
      searchString,
      positionalConstraint,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  });
  return {
    andStatement: {
      statements: [
        matches({ method: {} }, 'POST', 'EXACTLY'),
        matches({ uriPath: {} }, '/studies', 'ENDS_WITH'),
      ],
    },
  };
}

/**
 * WAF delivers only to log groups whose name starts with aws-waf-logs-
 * (https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html). The group is
 * retained on delete, so its name must differ per stack creation, or the next create after a rollback or
 * a destroy fails with "already exists" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html):
 * the stack id's UUID, which every creation draws anew, ends the name.
 */
function firewallLogGroupName(stack: Stack): string {
  const stackUuid = Fn.select(2, Fn.split('/', stack.stackId));
  return `aws-waf-logs-${stack.stackName}-${stackUuid}`;
}

/**
 * Within the API's own account an identity policy alone admits a caller (the resource policy need not
 * allow it), so configured principals also need an explicit deny of everyone else
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
 * An account root ARN admits that account's principals.
 */
function denyOtherCallers(principals: readonly string[], scope: Construct): iam.PolicyStatement[] {
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
