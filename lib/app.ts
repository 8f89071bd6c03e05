import type { App } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { readOptions, readRegions } from './config';
import { SapPipelineStack } from './stacks/sap-pipeline-stack';

export const STACK_NAME_PREFIX = 'SapPipeline';

/** One independent stack per region; the account comes from the CLI's credentials (CDK_DEFAULT_ACCOUNT). */
export function buildApp(app: App): SapPipelineStack[] {
  const options = readOptions((name) => app.node.tryGetContext(name));
  const stacks = readRegions(app.node.tryGetContext('regions')).map(
    (region) =>
      new SapPipelineStack(app, `${STACK_NAME_PREFIX}-${region}`, {
        env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
        description: `sap-pipeline: severe acute pancreatitis early warning (${region})`,
        options,
      }),
  );
  // Health data: the AWS Solutions, HIPAA Security and NIST 800-53 rev 5 rule packs check every synth.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
  );
  return stacks;
}
