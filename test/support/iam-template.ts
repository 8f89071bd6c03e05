import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { REPO_ROOT } from '../../local/stack/paths';
import { DEFAULT_INFERENCE_TIER, type InferenceTier } from '../../core/pipeline/inference-tier';
import type { Resources } from './iam-intrinsics';

/** What the IAM check needs of a synthesized stack: its resources and which function runs which handler. */
export interface IamTemplate {
  region: string;
  resources: Resources;
  /** Handler path (`lambdas/start-study/handler.ts`) → the Lambda function's logical id. */
  functionsByHandler: Record<string, string>;
}

/** The template depends on these only (bundling is skipped): a change to any of them synthesizes again. */
const SOURCES = ['lib', 'core', 'cdk.json', 'package-lock.json'];
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'sap-iam-template');

/**
 * The first region's stack as `cdk synth` builds it for an inference tier (`-c inference=...`), cached on
 * disk under a hash of its sources, so the test files that run a local stack share one synthesis (~10 s,
 * 0.5 GB) per tier and change of lib/ or core/.
 */
export async function iamTemplate(tier: InferenceTier = DEFAULT_INFERENCE_TIER): Promise<IamTemplate> {
  const hash = sourceHash();
  const file = path.join(CACHE_DIR, `${hash}-${tier}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as IamTemplate;
  } catch {
    const template = await synthesize(tier);
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written whole then renamed: a test file in another worker never reads half a file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(template));
    renameSync(partial, file);
    // Templates of earlier sources are of no further use.
    for (const entry of readdirSync(CACHE_DIR))
      if (!entry.startsWith(`${hash}-`) && entry.endsWith('.json'))
        rmSync(path.join(CACHE_DIR, entry), { force: true });
    return template;
  }
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (relative: string) => {
    const full = path.join(REPO_ROOT, relative);
    if (statSync(full).isDirectory()) {
      for (const entry of readdirSync(full).sort()) add(path.join(relative, entry));
    } else if (/\.(ts|json)$/.test(relative)) {
      hash.update(relative).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  for (const source of SOURCES) add(source);
  return hash.digest('hex').slice(0, 24);
}

async function synthesize(tier: InferenceTier): Promise<IamTemplate> {
  const { synthApp } = await import('./synth');
  const { app, stacks } = synthApp({ inference: tier });
  const stack = stacks[0]!;
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as { Resources: Resources };
  return {
    region: stack.region,
    resources: template.Resources,
    functionsByHandler: functionsByHandler(stack),
  };
}

/**
 * Every construct that builds a function from a handler of lambdas/: PipelineFunction names it in
 * `sizing.handler`; a construct without it is matched by its id (`StartStudy` → lambdas/start-study/).
 */
function functionsByHandler(stack: Stack): Record<string, string> {
  const found: Record<string, string> = {};
  for (const construct of stack.node.findAll()) {
    const fn = (construct as { function?: IConstruct }).function;
    if (!fn || construct.node.tryFindChild('Function') !== fn) continue;
    const handler =
      (construct as { sizing?: { handler?: unknown } }).sizing?.handler ?? handlerById(construct);
    const resource = fn.node.defaultChild;
    if (resource instanceof CfnResource) found[String(handler)] = stack.getLogicalId(resource);
  }
  return found;
}

function handlerById(construct: IConstruct): string {
  const id = construct.node.path.endsWith('Results/Handler') ? 'Api' : construct.node.id;
  return `lambdas/${id.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase()}/handler.ts`;
}
