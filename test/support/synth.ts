import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import type { SapPipelineStack } from '../../lib/stacks/sap-pipeline-stack';

export interface SynthOptions {
  /** Bundle the functions with esbuild, as `cdk synth` does. */
  bundle?: boolean;
}

/**
 * Builds the app as `cdk synth` does, from the given context. Lambda bundling is skipped unless asked
 * for: template assertions do not need the bundles, and esbuild runs take most of a synth. CDK's own
 * CloudFormation check is off: it loads a WebAssembly engine (~4 s per process, ~1.5 s per template)
 * and only ever warns (its errors are downgraded unless a context flag asks otherwise); cfn-lint checks
 * the templates instead (test/infra/full-app/cfn-lint.ts).
 */
export function synthApp(
  context: Record<string, unknown> = {},
  { bundle = false }: SynthOptions = {},
): { app: App; stacks: SapPipelineStack[] } {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { regions: 'eu-west-1', ...context, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stacks = buildApp(app);
  return { app, stacks };
}

const shared = new Map<string, ReturnType<typeof synthApp>>();

/**
 * The app for this context and options, built once per test process and shared by every test that asks
 * for the same: for tests that read it only. A test that adds to the app takes its own (synthApp).
 */
export function sharedSynth(
  context: Record<string, unknown> = {},
  options: SynthOptions = {},
): ReturnType<typeof synthApp> {
  const key = JSON.stringify([Object.entries(context).sort(), options.bundle ?? false]);
  let synth = shared.get(key);
  if (!synth) {
    synth = synthApp(context, options);
    shared.set(key, synth);
  }
  return synth;
}

/** cdk.json's context: the feature flags `cdk synth` applies and a bare App does not, and the defaults. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** The regions the full-app tests deploy to: two, to show that the stacks are independent. */
export const FULL_APP_REGIONS = ['eu-west-1', 'us-east-1'];

/**
 * The app as `cdk synth -c regions=eu-west-1,us-east-1` builds it for a deploy: cdk.json's context,
 * two regions, an alarm address, the functions bundled. One synth shared by the tests that need the
 * whole app (regions, cdk-nag, cfn-lint) where they run in one process (vitest.config.ts).
 */
export function fullApp(): ReturnType<typeof synthApp> {
  return sharedSynth(
    { ...cdkJsonContext(), regions: FULL_APP_REGIONS.join(','), alarmEmail: 'oncall@hospital.example' },
    { bundle: true },
  );
}
