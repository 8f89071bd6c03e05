import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { INCOMING_PREFIX } from '../../core/study/keys';
import { LIMITS } from '../../core/ingest/limits';
import type { PipelineOptions } from '../config';
import { PipelineFunction } from './pipeline-function';
import { encryptedLogGroup } from './secure-defaults';
import type { Storage } from './storage';

/** Polling every few seconds from one hospital gateway stays far below this. */
const REQUESTS_PER_5_MINUTES_PER_ADDRESS = 1000;

export interface ResultsApiProps {
  storage: Storage;
  options: PipelineOptions;
}

/**
 * The hospital-facing REST API: POST /studies, GET /studies/{studyId}, GET /studies?status=...
 * Every method needs SigV4 (IAM) and the resource policy admits only the configured principals.
 */
export class ResultsApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly handler: PipelineFunction;

  constructor(scope: Construct, id: string, props: ResultsApiProps) {
    super(scope, id);
    const { storage, options } = props;
    this.handler = new PipelineFunction(this, 'Handler', {
      sizing: { handler: 'lambdas/api/handler.ts', memoryMb: 512, timeoutSeconds: 10 },
      key: storage.key,
      logRetentionDays: options.logRetentionDays,
      environment: {
        [FUNCTION_ENV.studiesBucket]: storage.studies.bucketName,
        [FUNCTION_ENV.studiesTable]: storage.table.tableName,
      },
    });
    storage.table.grantReadData(this.handler.function);
    // Presigned upload URLs carry the function's permission to write incoming/ and nothing else.
    storage.studies.grantPut(this.handler.function, `${INCOMING_PREFIX}*`);

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
        required: ['imageFiles'],
        properties: {
          imageFiles: {
            type: apigateway.JsonSchemaType.ARRAY,
            minItems: 1,
            maxItems: LIMITS.maxFiles,
            items: { type: apigateway.JsonSchemaType.STRING },
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
      requestParameters: { 'method.request.querystring.status': true },
      requestValidator,
    });
    studies.addResource('{studyId}').addMethod('GET', integration, {
      requestParameters: { 'method.request.path.studyId': true },
      requestValidator,
    });

    this.addFirewall(props);
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
