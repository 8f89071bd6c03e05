import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullApp } from './synth';

export interface TemplateFile {
  stackName: string;
  region: string;
  path: string;
}

/**
 * The templates of the full app (fullApp: `npx cdk synth -c regions=…` with cdk.json's context, feature
 * flags included, which the CLI applies and a bare App does not), each written to a temporary folder.
 * Each template names its own region for cfn-lint (Metadata cfn-lint.config.regions), so one cfn-lint
 * run checks every stack against the region it deploys to.
 */
export function writeTemplates(): { dir: string; files: TemplateFile[]; remove(): void } {
  const { app, stacks } = fullApp();
  const assembly = app.synth();
  const dir = mkdtempSync(join(tmpdir(), 'sap-templates-'));
  const files = stacks.map((stack) => {
    const template = assembly.getStackByName(stack.stackName).template as { Metadata?: object };
    // A copy: the assembly's template is shared with the other tests of the full app.
    const linted = {
      ...template,
      Metadata: { ...template.Metadata, 'cfn-lint': { config: { regions: [stack.region] } } },
    };
    const path = join(dir, `${stack.stackName}.template.json`);
    writeFileSync(path, JSON.stringify(linted, null, 1));
    return { stackName: stack.stackName, region: stack.region, path };
  });
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
