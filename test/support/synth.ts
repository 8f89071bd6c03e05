import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import type { SapPipelineStack } from '../../lib/stacks/sap-pipeline-stack';

/**
 * Builds the app as `cdk synth` does, from the given context. Lambda bundling is skipped unless asked
 * for: template assertions do not need the bundles, and esbuild runs take most of a synth.
 */
export function synthApp(
  context: Record<string, unknown> = {},
  { bundle = false } = {},
): { app: App; stacks: SapPipelineStack[] } {
  const app = new App({
    context: { regions: 'eu-west-1', ...context, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stacks = buildApp(app);
  return { app, stacks };
}
