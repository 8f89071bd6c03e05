import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthApp } from './synth';

export interface TemplateFile {
  stackName: string;
  region: string;
  path: string;
}

/**
 * Synthesizes the app once, as `npx cdk synth -c regions=…` would (cdk.json's context, feature flags
 * included, which the CLI applies and a bare App does not), and writes each stack's template to a
 * temporary folder. Each template names its own region for cfn-lint (Metadata cfn-lint.config.regions),
 * so one cfn-lint run checks every stack against the region it deploys to.
 */
export function writeTemplates(regions: string[]): { dir: string; files: TemplateFile[]; remove(): void } {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const { app, stacks } = synthApp({ ...cdkJson.context, regions: regions.join(',') });
  const assembly = app.synth();
  const dir = mkdtempSync(join(tmpdir(), 'sap-templates-'));
  const files = stacks.map((stack) => {
    const template = assembly.getStackByName(stack.stackName).template as { Metadata?: object };
    template.Metadata = { ...template.Metadata, 'cfn-lint': { config: { regions: [stack.region] } } };
    const path = join(dir, `${stack.stackName}.template.json`);
    writeFileSync(path, JSON.stringify(template, null, 1));
    return { stackName: stack.stackName, region: stack.region, path };
  });
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
