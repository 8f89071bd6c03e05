#!/usr/bin/env node
// The `sap` command: the CLI compiled to JavaScript under dist/ by scripts/build-cli.mjs (`npm ci` builds it),
// so that no TypeScript is transpiled at start. SAP_CLI_FROM_SOURCE=1 runs the TypeScript sources through
// tsx instead (as the tests do), without a build.
import module from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD_COMMAND, DEFAULT_OUT_DIR, buildState, rebuildIfStale } from '../scripts/build-cli.mjs';

// Node 22.1+ keeps V8's compiled code of the modules between runs (in the OS temp folder); Node 20 lacks it.
module.enableCompileCache?.();

const USAGE_EXIT = 2;

function fail(message) {
  process.stderr.write(`sap: ${message}\n`);
  process.exit(USAGE_EXIT);
}

async function loadMain() {
  if (process.env.SAP_CLI_FROM_SOURCE === '1') {
    const { register } = await import('tsx/esm/api');
    register();
    return (await import('../cli/main.ts')).main;
  }
  let build = buildState();
  if (build.state === 'missing')
    fail(
      `the compiled CLI is missing from ${DEFAULT_OUT_DIR}: run \`${BUILD_COMMAND}\` in the repository ` +
        '(npm ci runs it), or set SAP_CLI_FROM_SOURCE=1 to run the TypeScript sources',
    );
  // A source edited since the build: rebuild (under a second) rather than run the code it replaced.
  if (build.state === 'stale') {
    if (process.stderr.isTTY) process.stderr.write(`sap: ${build.source} changed: rebuilding the CLI\n`);
    try {
      build = await rebuildIfStale();
    } catch (error) {
      fail(
        `the CLI could not be rebuilt after ${build.source} changed (SAP_CLI_FROM_SOURCE=1 runs the sources):\n` +
          (error instanceof Error ? error.message : String(error)),
      );
    }
  }
  return (await import(pathToFileURL(path.join(build.dir, 'cli', 'main.js')).href)).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
