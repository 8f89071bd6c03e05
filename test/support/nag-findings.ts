import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';

/** Every finding of the three rule packs that nobody acknowledged, as "rule at construct path". */
export function unacknowledgedFindings(app: App): string[] {
  return [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app)].flatMap(
    (pack) =>
      pack
        .validateScope(app)
        .violations.flatMap((v) =>
          v.violatingResources.map(
            (r) =>
              `${v.ruleName} at ${(r as { constructPath?: string }).constructPath ?? r.resourceLogicalId}`,
          ),
        ),
  );
}
