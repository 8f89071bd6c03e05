import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Written by scripts/build-cli.mjs at the top of each build's folder (dist/<build>/): it marks that folder,
 * and lists the sources it was built from (bin/sap.js rebuilds when one is newer).
 */
export const CLI_BUILD_MANIFEST = 'sap-cli-build.json';

/**
 * True in the compiled CLI (dist/, bundled by scripts/build-cli.mjs), false from the TypeScript sources
 * (tsx, vitest). In the bundle this module's code lands in whichever output file esbuild chooses, so
 * nothing below may assume its own folder there.
 */
export const COMPILED = import.meta.url.endsWith('.js');

const here = path.dirname(fileURLToPath(import.meta.url));

/** The nearest folder at or above `start` holding `marker`. */
function closestHolding(start: string, marker: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, marker))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no ${marker} above ${start}`);
  }
}

/** The compiled CLI's build folder (it mirrors the repository's layout), or undefined from the sources. */
const COMPILED_ROOT = COMPILED ? closestHolding(here, CLI_BUILD_MANIFEST) : undefined;

/**
 * The repository root: handler paths in core's function definitions, models/demo and package.json are
 * relative to it. From the sources this file is local/stack/paths.ts; compiled, the build folder lies
 * inside the repository (its packages resolve from node_modules there), so the root is the nearest
 * folder above it with a package.json.
 */
export const REPO_ROOT = COMPILED_ROOT
  ? closestHolding(path.dirname(COMPILED_ROOT), 'package.json')
  : fileURLToPath(new URL('../..', import.meta.url));

/**
 * The file to import or run for a module named from the repository root (`lambdas/api/handler.ts`): the
 * source itself, or its compiled counterpart when this is the compiled CLI, so that it shares this
 * process's modules (the same chunks) instead of loading a second copy through a TypeScript loader.
 */
export function runnableModule(sourcePath: string): string {
  if (!COMPILED_ROOT) return path.join(REPO_ROOT, sourcePath);
  return path.join(COMPILED_ROOT, sourcePath.replace(/\.ts$/, '.js'));
}

/** Where the local stack keeps its data unless told otherwise (git-ignored). */
export const DEFAULT_DATA_DIR = '.sap-local';
