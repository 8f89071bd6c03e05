import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnLintFinding } from '../../support/cfn-lint';
import { findCfnLint, runCfnLint } from '../../support/cfn-lint';
import type { TemplateFile } from '../../support/templates-on-disk';
import { FULL_APP_REGIONS } from '../../support/synth';
import { writeTemplates } from '../../support/templates-on-disk';

/**
 * cfn-lint (AWS's CloudFormation linter: resource schemas, value ranges, regional availability) on the
 * templates of `cdk synth -c regions=eu-west-1,us-east-1`. No error is allowed. Each warning was reviewed
 * once: the accepted ones are listed below with their reasons; any other warning fails.
 * Skipped, with a message, where cfn-lint is not installed (`pip install cfn-lint`); CI has it.
 * https://github.com/aws-cloudformation/cfn-lint
 */

interface AcceptedWarning {
  rule: string;
  resource: RegExp;
  message?: RegExp;
  reason: string;
}

const ACCEPTED_WARNINGS: AcceptedWarning[] = [
  {
    rule: 'W3005',
    resource: /./,
    // Only a resource's dependency on the role it runs as, whose ARN the named property reads.
    message:
      /^'\w+' dependency already enforced by a 'GetAtt' at 'Resources\/\w+\/Properties\/(Role|RoleArn|ExecutionRoleArn)'$/,
    reason:
      'A DependsOn on a role construct lists the role and its default policy: CDK adds one to each Lambda ' +
      'function and state machine, and the SageMaker model has one (inference-endpoint.ts), so the ' +
      'permissions exist before first use. The policy entry is needed (nothing references it); the role ' +
      'entry is also ordered by the GetAtt of the role ARN: redundant, harmless.',
  },
  {
    rule: 'W3045',
    resource: /^StorageAccessLogs[0-9A-F]{8}$/,
    message: /'AccessControl' is a legacy property/,
    reason:
      'CDK grants S3 server access log delivery to the access-log bucket with the LogDeliveryWrite ACL. ' +
      'ACL grants still deliver logs while Object Ownership is not BucketOwnerEnforced (this bucket is ' +
      'BucketOwnerPreferred): https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general. ' +
      'CDK switches to a bucket policy with the @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy flag.',
  },
];

/**
 * A template with a defect CloudFormation refuses, linted in the same run: proves that the installed
 * cfn-lint really checks resource properties (a Lambda function's Timeout is at most 900 s:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html).
 */
const CANARY = {
  Metadata: { 'cfn-lint': { config: { regions: ['eu-west-1'] } } },
  Resources: {
    OverlongFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Role: 'arn:aws:iam::123456789012:role/canary',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: 'exports.handler = async () => {};' },
        Timeout: 1000,
      },
    },
  },
};

const cfnLint = findCfnLint();
const SKIPPED = 'cfn-lint is not installed (pip install cfn-lint): the template lint is skipped';
if (!cfnLint) console.warn(SKIPPED);

const accepted = (finding: CfnLintFinding) =>
  ACCEPTED_WARNINGS.find(
    (a) =>
      a.rule === finding.rule &&
      a.resource.test(finding.resource ?? '') &&
      (a.message?.test(finding.message) ?? true),
  );
const describeFinding = (f: CfnLintFinding) =>
  `${basename(f.file, '.template.json')} ${f.rule} ${f.level} ${f.path}: ${f.message}`;

describe.skipIf(!cfnLint)(
  cfnLint ? `cfn-lint ${cfnLint.version} on the synthesized templates` : `cfn-lint (${SKIPPED})`,
  () => {
    let templates: ReturnType<typeof writeTemplates>;
    let findings: Map<string, CfnLintFinding[]>;

    beforeAll(() => {
      templates = writeTemplates();
      const canary = join(templates.dir, 'canary.template.json');
      writeFileSync(canary, JSON.stringify(CANARY));
      const all = runCfnLint(
        cfnLint!.command,
        [...templates.files.map((f) => f.path), canary],
        templates.dir,
      );
      findings = new Map([...templates.files.map((f) => f.path), canary].map((path) => [path, []]));
      for (const finding of all) {
        const ofFile = findings.get(finding.file);
        if (!ofFile) throw new Error(`cfn-lint reported on a file it was not given: ${finding.file}`);
        ofFile.push(finding);
      }
    });
    afterAll(() => templates?.remove());

    const ofStacks = () => templates.files.flatMap((f: TemplateFile) => findings.get(f.path)!);

    it('lints a template per region, and reports a defect CloudFormation refuses', () => {
      expect(templates.files.map((f) => f.region)).toEqual(FULL_APP_REGIONS);
      const canary = findings.get(join(templates.dir, 'canary.template.json'))!;
      expect(canary.map((f) => `${f.rule} ${f.path}`)).toContain(
        'E3034 Resources/OverlongFunction/Properties/Timeout',
      );
    });

    it('finds no error', () => {
      const errors = ofStacks().filter((f) => f.level === 'Error');
      expect(errors.map(describeFinding)).toEqual([]);
    });

    it('finds no warning other than the accepted ones', () => {
      const unaccepted = ofStacks().filter((f) => f.level !== 'Error' && !accepted(f));
      expect(unaccepted.map(describeFinding)).toEqual([]);
    });

    it('accepts no warning that no longer occurs (the list stays reviewed)', () => {
      const seen = new Set(ofStacks().map(accepted));
      expect(ACCEPTED_WARNINGS.filter((a) => !seen.has(a)).map((a) => a.rule)).toEqual([]);
    });
  },
);
