import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_TIME_FUNCTIONS, FUNCTIONS } from '../../core/pipeline/functions';
import { sap as sapInProcess } from '../support/sap-cli';
import {
  BUILD_COMMAND,
  CURRENT,
  MANIFEST,
  REPO_ROOT,
  buildCli,
  buildState,
  entryPoints,
  rebuildIfStale,
  type BuildState,
} from '../../scripts/build-cli.mjs';

const SAP = path.join(REPO_ROOT, 'bin', 'sap.js');
const CLINICAL = path.join(REPO_ROOT, 'test/fixtures/ingest/clinical/valid.si.json');
const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};
let build: BuildState;
/** The compiled counterpart of a source module, as local/stack/paths.ts's runnableModule names it. */
const compiled = (source: string) => {
  if (build.state !== 'fresh') throw new Error(`the build is ${build.state}`);
  return path.join(build.dir, source.replace(/\.ts$/, '.js'));
};

/** `node bin/sap.js ...args` as a user runs it: the compiled CLI (SAP_CLI_FROM_SOURCE unset). */
async function sapProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.SAP_CLI_FROM_SOURCE;
  return new Promise((resolve) => {
    execFile(process.execPath, [SAP, ...args], { cwd: REPO_ROOT, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('the compiled sap CLI (dist/, scripts/build-cli.mjs)', () => {
  // As `npm ci` (its prepare script) left it, rebuilt only if a source changed since, under the lock
  // bin/sap.js takes; a rebuild writes a new folder, so an `npm start` running beside this file keeps its own.
  beforeAll(async () => {
    build = await rebuildIfStale();
  }, 60_000);

  // Plain node cannot import a .ts file: a compiled CLI that still reached for a source would fail here.
  it('prints its help and version on plain node, no TypeScript loader', async () => {
    const help = await sapProcess('--help');
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sap \[options\] \[command\]/);
    const printed = await sapProcess('--version');
    expect(printed.stdout.trim()).toBe(version);
  });

  it('loads commander and nothing heavier before a command runs (what --help costs)', () => {
    // The static imports reachable from cli/main.js; each command's module comes by dynamic import().
    const STATIC_IMPORT = /^(?:import|export)\s*(?:[\w*$\s{},]*?\s*from\s*)?"([^"]+)";/gm;
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
        if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!));
        else if (!specifier!.startsWith('node:')) packages.add(specifier!);
      }
    };
    visit(compiled('cli/main.ts'));
    expect(seen.size).toBeGreaterThan(1);
    expect([...packages]).toEqual(['commander']);
  });

  it('runs a command as the TypeScript sources do, its lazily loaded chunk included', async () => {
    const fromBuild = await sapProcess('scores', CLINICAL, '--json');
    const fromSource = await sapInProcess('scores', CLINICAL, '--json');
    expect(fromBuild.stderr).toBe('');
    expect(fromBuild.code).toBe(fromSource.code);
    expect(JSON.parse(fromBuild.stdout)).toEqual(JSON.parse(fromSource.out));
  });

  it('holds every module the local stack starts by path: each function handler, the container, its worker', async () => {
    const handlers = Object.values(FUNCTIONS).map((definition) => definition.handler);
    expect(new Set(entryPoints())).toEqual(
      new Set([
        'cli/main.ts',
        ...handlers,
        DEPLOY_TIME_FUNCTIONS.DemoModelCopier.handler,
        'containers/gpu-inference/main.ts',
        'containers/gpu-inference/inference-worker.ts',
        'local/stack/container-tether.ts',
      ]),
    );
    // Each compiled handler loads on plain node and exports its handler, as the local stack imports it.
    const check = `for (const file of process.argv.slice(1)) {
      const { handler } = await import(file);
      if (typeof handler !== 'function') throw new Error(file + ' exports no handler');
    }`;
    const urls = handlers.map((handler) => pathToFileURL(compiled(handler)).href);
    // A module that fails to load, or a missing handler, fails the process (and so the call).
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', check, ...urls], {
      cwd: REPO_ROOT,
    });
    for (const worker of ['containers/gpu-inference/inference-worker.ts', 'local/stack/container-tether.ts'])
      expect(existsSync(compiled(worker)), worker).toBe(true);
  });
});

describe('builds in their own folders (scripts/build-cli.mjs)', () => {
  let outDir: string;
  beforeAll(async () => {
    await mkdir(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    outDir = await mkdtemp(path.join(REPO_ROOT, 'test-artifacts', 'cli-build-'));
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  /** Makes `inputs` the current build's sources, its build begun at `time`. */
  async function fakeBuild(inputs: string[], time: Date): Promise<string> {
    const dir = path.join(outDir, 'fake');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(outDir, CURRENT), JSON.stringify({ build: 'fake' }));
    await writeFile(path.join(dir, MANIFEST), JSON.stringify({ startedAt: time.getTime(), inputs }));
    return dir;
  }

  it('names the same folder for the same sources, which runs from wherever it lies in the repository', async () => {
    const first = await buildCli({ outDir });
    const second = await buildCli({ outDir });
    expect(second.dir).toBe(first.dir);
    expect(path.dirname(first.dir)).toBe(outDir);
    expect(readdirSync(outDir).sort()).toEqual([path.basename(first.dir), CURRENT].sort());
    expect(buildState(outDir)).toEqual({ state: 'fresh', dir: first.dir });
    const run = `const { main } = await import(process.argv[1]); process.exitCode = await main(['--version']);`;
    const mainUrl = pathToFileURL(path.join(first.dir, 'cli', 'main.js')).href;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      run,
      mainUrl,
    ]);
    expect(stdout.trim()).toBe(version);
  });

  it('is missing without a current build, or when the current build has no manifest (cut short)', async () => {
    const empty = await mkdtemp(path.join(outDir, 'empty-'));
    expect(buildState(empty)).toEqual({ state: 'missing' });
    await writeFile(path.join(empty, CURRENT), JSON.stringify({ build: 'gone' }));
    expect(buildState(empty)).toEqual({ state: 'missing' });
  });

  it('is fresh when built after every source changed, stale once one is newer', async () => {
    const dir = await fakeBuild(['cli/main.ts', 'cli/program.ts'], new Date(Date.now() + 3_600_000));
    expect(buildState(outDir)).toEqual({ state: 'fresh', dir });
    await fakeBuild(['cli/main.ts', 'cli/program.ts'], new Date(0));
    expect(buildState(outDir)).toEqual({ state: 'stale', source: 'cli/main.ts', dir });
  });

  it('is stale when a source it was built from is gone', async () => {
    const dir = await fakeBuild(['cli/no-such-module.ts'], new Date(Date.now() + 3_600_000));
    expect(buildState(outDir)).toEqual({ state: 'stale', source: 'cli/no-such-module.ts', dir });
  });

  it('bin/sap.js without a build says which command builds it', async () => {
    // bin/ and scripts/ alone: a clone whose dist/ was never built.
    const clone = await mkdtemp(path.join(outDir, 'clone-'));
    for (const file of ['bin/sap.js', 'scripts/build-cli.mjs']) {
      await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
      await copyFile(path.join(REPO_ROOT, file), path.join(clone, file));
    }
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, [path.join(clone, 'bin/sap.js'), '--help'], (error, _, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the compiled CLI is missing');
    expect(run.stderr).toContain(`run \`${BUILD_COMMAND}\``);
  });

  it('refuses an output folder outside the repository, where its packages would not resolve', async () => {
    await expect(buildCli({ outDir: path.join(tmpdir(), 'sap-cli') })).rejects.toThrow(/must lie inside/);
  });
});
