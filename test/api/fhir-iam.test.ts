/**
 * GET /studies/{studyId}/fhir in the deployed template, by the IAM check the local stack's calls go through
 * (test/support/iam-evaluate.ts) for the API function's read: the route calls the API function, and the
 * function may read the RiskAssessment the Fuse step writes, and nothing of work/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resultKeys } from '../../core/study/keys';
import { localArn } from '../../local/stack/iam/local-arns';
import { functionPrincipal, type Principal } from '../../local/stack/iam/principals';
import type { AwsCall } from '../../local/stack/iam/recorder';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { checkIamCoverage, describeDenial, type CoverageReport } from '../support/iam-evaluate';
import { iamTemplate, type IamTemplate } from '../support/iam-template';

const API_HANDLER = 'lambdas/api/handler.ts';
const API = functionPrincipal(API_HANDLER);
const run = { studyId: 's1', manifestVersion: 'v1' };
const studies = (key: string) => localArn.object(LOCAL_NAMES.studiesBucket, key);

let template: IamTemplate;
beforeAll(async () => {
  template = await iamTemplate();
});

const check = (principal: Principal, call: AwsCall): Promise<CoverageReport> =>
  checkIamCoverage([{ principal, ...call }], template);

describe('GET /studies/{studyId}/fhir in the template', () => {
  it('has the route: GET on /studies/{studyId}/fhir, IAM-authorised, calling the API function', () => {
    type Resource = { Type: string; Properties: Record<string, unknown> };
    const resources = template.resources as Record<string, Resource>;
    const ref = (value: unknown) => (value as { Ref?: string } | undefined)?.Ref;
    const pathOf = (id: string | undefined): string => {
      const resource = id === undefined ? undefined : resources[id];
      if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
      return `${pathOf(ref(resource.Properties.ParentId))}/${String(resource.Properties.PathPart)}`;
    };
    const methods = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method');
    const fhir = methods.filter((m) => pathOf(ref(m.Properties.ResourceId)) === '/studies/{studyId}/fhir');
    expect(fhir).toHaveLength(1);
    expect(fhir[0]!.Properties).toMatchObject({
      HttpMethod: 'GET',
      AuthorizationType: 'AWS_IAM',
      RequestParameters: { 'method.request.path.studyId': true },
    });
    const apiFunction = template.functionsByHandler[API_HANDLER]!;
    expect(JSON.stringify(fhir[0]!.Properties.Integration)).toContain(apiFunction);
  });

  it("the API function may read the manifest version's risk-assessment.json, decrypting it", async () => {
    const report = await check(API, {
      action: 's3:GetObject',
      resource: studies(resultKeys(run).riskAssessment),
    });
    expect(report.denied.map(describeDenial)).toEqual([]);
    expect(report.checked.map((c) => c.action)).toEqual(['s3:GetObject', 'kms:Decrypt']);
  });

  it('may list the bucket, so S3 answers a missing file with NoSuchKey (404), not AccessDenied', async () => {
    const report = await check(API, {
      action: 's3:ListBucket',
      resource: localArn.bucket(LOCAL_NAMES.studiesBucket),
      context: { 's3:prefix': resultKeys(run).riskAssessment },
    });
    expect(report.denied.map(describeDenial)).toEqual([]);
  });

  it('but not what the pipeline keeps under work/, so the check above can fail', async () => {
    const report = await check(API, {
      action: 's3:GetObject',
      resource: studies('work/s1/v-1/clinical.json'),
    });
    expect(report.denied).toHaveLength(1);
  });
});
