#!/usr/bin/env node
/**
 * Compiles the `sap` CLI to JavaScript in dist/ (`npm run build:cli`; `npm ci` runs it as `prepare`), so that
 * bin/sap.js starts without transpiling TypeScript. Plain JavaScript, not TypeScript: bin/sap.js imports
 * the freshness check below on every start.
 *
 * Layout: each build is a folder of its own, dist/<content hash>/, that mirrors the repository
 * (cli/main.js, lambdas/api/handler.js, ...): one entry point per module that is started by path — the CLI,
 * every Lambda handler the local stack imports, the inference container, its worker and the stack's
 * tether — with esbuild's code splitting, so that they share one copy of each module (chunks/) as they share
 * one process. dist/current.json names the build bin/sap.js runs. A build is never changed once written, so
 * a rebuild (after an edit) leaves a running `sap serve`, which imports handlers as studies arrive, on the
 * build it started with. Packages stay external, resolved from node_modules, which is why the output folder
 * must lie inside the repository.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'dist');
/** In each build's folder; the same name as CLI_BUILD_MANIFEST in local/stack/paths.ts, which finds it. */
export const MANIFEST = 'sap-cli-build.json';
/** In the output folder: `{"build": "<folder>"}`, the build to run. */
export const CURRENT = 'current.json';
export const BUILD_COMMAND = 'npm run build:cli';
/** Builds kept besides the current one, for processes started on them (a `sap serve` left running). */
const KEEP_PREVIOUS_BUILDS = 4;

/** Modules started by path rather than imported by name: each must exist in the output as itself. */
export function entryPoints() {
  const handlers = readdirSync(path.join(REPO_ROOT, 'lambdas'))
    .map((name) => `lambdas/${name}/handler.ts`)
    .filter((file) => existsSync(path.join(REPO_ROOT, file)));
  return [
    'cli/main.ts',
    ...handlers,
    'containers/gpu-inference/main.ts',
    'containers/gpu-inference/inference-worker.ts',
    'local/stack/container-tether.ts',
  ];
}

/**
 * Modules that find a file beside themselves with `new URL('./x', import.meta.url)`: the build fails unless
 * each is bundled into an output in its own folder (not into a shared chunk), where that still holds.
 */
const LOCATED_BESIDE_THEMSELVES = ['containers/gpu-inference/inference-thread.ts'];
/**
 * Every bundled module that reads `import.meta` (in the bundle, its chunk's location, not the source's),
 * and why that is right there. Another fails the build: find files from local/stack/paths.ts instead.
 */
const USES_IMPORT_META = {
  'local/stack/paths.ts': 'finds the repository and the build from wherever it is bundled',
  'core/inference/execution-provider.ts': 'resolves a package, which any folder of the repository can',
  ...Object.fromEntries(LOCATED_BESIDE_THEMSELVES.map((file) => [file, 'kept in its own folder'])),
};

/** Builds the CLI into a new folder of `outDir` and makes it the current build; returns that folder. */
export function buildCli({ outDir = DEFAULT_OUT_DIR } = {}) {
  return withBuildLock(outDir, () => buildLocked(outDir));
}

/** Rebuilds unless the current build is fresh; returns the fresh build's state. */
export function rebuildIfStale(outDir = DEFAULT_OUT_DIR) {
  return withBuildLock(outDir, async () => {
    // Another process may have rebuilt while this one waited for the lock.
    if (buildState(outDir).state !== 'fresh') await buildLocked(outDir);
    return buildState(outDir);
  });
}

async function buildLocked(outDir) {
  // Imported here: bin/sap.js loads this file on every start, and builds only after an edit.
  const [{ build }, { createHash }] = await Promise.all([import('esbuild'), import('node:crypto')]);
  const staging = path.join(outDir, `.staging-${process.pid}`);
  // Sources are compared with when the build began: one saved while it ran is newer, and rebuilt next time.
  const startedAt = Date.now();
  const { metafile, outputFiles } = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: entryPoints(),
    outdir: staging,
    outbase: '.',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  checkImportMeta(Object.keys(metafile.inputs));
  checkLocatedBesideThemselves(metafile, staging);
  const files = outputFiles
    .map((output) => ({ file: path.relative(staging, output.path), contents: output.contents }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
  const hash = createHash('sha256');
  for (const { file, contents } of files) hash.update(file).update(contents);
  const id = hash.digest('hex').slice(0, 12);
  const buildDir = path.join(outDir, id);
  const inputs = [...Object.keys(metafile.inputs), path.relative(REPO_ROOT, fileURLToPath(import.meta.url))];
  const manifest = JSON.stringify({ startedAt, inputs }, null, 1) + '\n';
  if (existsSync(path.join(buildDir, MANIFEST))) {
    // The same output as a kept build (a source touched, not changed): its manifest, rewritten, dates it now.
    writeAtomically(path.join(buildDir, MANIFEST), manifest);
  } else {
    rmSync(staging, { recursive: true, force: true });
    for (const { file, contents } of files) {
      mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      writeFileSync(path.join(staging, file), contents);
    }
    writeFileSync(path.join(staging, MANIFEST), manifest);
    rmSync(buildDir, { recursive: true, force: true });
    // One rename: the build's folder appears whole, or not at all.
    renameSync(staging, buildDir);
  }
  writeAtomically(path.join(outDir, CURRENT), JSON.stringify({ build: id }) + '\n');
  removeOldBuilds(outDir, id);
  return { dir: buildDir, files: files.map((f) => f.file) };
}

/** Written beside, then renamed over: a `sap` starting meanwhile reads the old file or the new one, whole. */
function writeAtomically(file, text) {
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

function checkImportMeta(inputs) {
  const unexpected = inputs.filter(
    (source) =>
      !(source in USES_IMPORT_META) &&
      /\bimport\.meta\.(url|resolve|dirname|filename)\b/.test(
        readFileSync(path.join(REPO_ROOT, source), 'utf8'),
      ),
  );
  if (unexpected.length > 0)
    throw new Error(
      `${unexpected.join(', ')} read import.meta, which in the compiled CLI names a shared chunk's location: ` +
        'find files from local/stack/paths.ts (REPO_ROOT, runnableModule), or list the module in scripts/build-cli.mjs',
    );
}

/** The metafile names files relative to the repository; an output holding a module must be in its folder. */
function checkLocatedBesideThemselves(metafile, staging) {
  for (const source of LOCATED_BESIDE_THEMSELVES) {
    const holders = Object.entries(metafile.outputs)
      .filter(([, output]) => source in output.inputs)
      .map(([file]) => path.relative(staging, path.join(REPO_ROOT, file)));
    if (!holders.every((file) => path.dirname(file) === path.dirname(source)))
      throw new Error(
        `${source} is bundled into ${holders.join(', ')}: it finds files beside itself, so no shared chunk may hold it`,
      );
  }
}

/** Keeps the current build and the newest previous ones; drops what a build cut short left (under the lock). */
function removeOldBuilds(outDir, current) {
  const entries = readdirSync(outDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  for (const entry of entries)
    if (entry.name.startsWith('.staging-'))
      rmSync(path.join(outDir, entry.name), { recursive: true, force: true });
  const builds = entries
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== current)
    .map((entry) => ({
      dir: path.join(outDir, entry.name),
      time: statSync(path.join(outDir, entry.name, MANIFEST), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    }))
    .sort((a, b) => b.time - a.time);
  for (const { dir } of builds.slice(KEEP_PREVIOUS_BUILDS)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The current build of `outDir` and whether it was built from the current sources: `missing` (never built),
 * `stale` with the first source changed since the build began (by modification time, so a checkout or an
 * edit counts), or `fresh`; `dir` is the build's folder. One stat per source: a few milliseconds.
 */
export function buildState(outDir = DEFAULT_OUT_DIR) {
  let dir;
  let manifest;
  try {
    dir = path.join(outDir, JSON.parse(readFileSync(path.join(outDir, CURRENT), 'utf8')).build);
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8'));
  } catch {
    return { state: 'missing' };
  }
  for (const source of manifest.inputs) {
    const changed = statSync(path.join(REPO_ROOT, source), { throwIfNoEntry: false });
    if (!changed || changed.mtimeMs >= manifest.startedAt) return { state: 'stale', source, dir };
  }
  return { state: 'fresh', dir };
}

const LOCK_POLL_MS = 50;
/** Longer than any build takes: a lock this old was left by a process that died while building. */
const LOCK_STALE_MS = 120_000;

/** Runs `build` while holding `outDir`'s lock (a folder: mkdir either creates it or fails), one process at a time. */
async function withBuildLock(outDir, build) {
  const relative = path.relative(REPO_ROOT, outDir);
  if (relative.startsWith('..') || path.isAbsolute(relative) || relative === '')
    throw new Error(`the CLI's output folder must lie inside ${REPO_ROOT}: its packages resolve from there`);
  mkdirSync(outDir, { recursive: true });
  const lock = path.join(outDir, '.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(LOCK_POLL_MS);
    }
  }
  try {
    return await build();
  } finally {
    rmdirSync(lock);
  }
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT_DIR;
  const started = Date.now();
  const { dir, files } = await buildCli({ outDir });
  const where = path.relative(process.cwd(), dir);
  console.log(`sap CLI: ${files.length} files in ${where} (${Date.now() - started} ms)`);
}
