import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One finding of cfn-lint's JSON output, with the logical id of the resource it is about. */
export interface CfnLintFinding {
  rule: string;
  level: string;
  file: string;
  resource: string | undefined;
  path: string;
  message: string;
}

interface JsonFinding {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] | null };
}

/**
 * The cfn-lint command and its version, or undefined where it is not installed. The project's machines
 * install it with pyenv, whose shims folder may be missing from PATH in a non-login shell.
 */
export function findCfnLint(): { command: string; version: string } | undefined {
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  for (const command of ['cfn-lint', join(pyenvRoot, 'shims', 'cfn-lint')]) {
    const result = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    // A pyenv shim without cfn-lint in the active Python exits non-zero: not installed.
    const version = result.status === 0 ? /cfn-lint (\S+)/.exec(result.stdout)?.[1] : undefined;
    if (version) return { command, version };
  }
  return undefined;
}

/** Lints the templates in one cfn-lint run (one Python start and one spec load for all of them). */
export function runCfnLint(command: string, templates: string[], cwd: string): CfnLintFinding[] {
  const result = spawnSync(command, ['--format', 'json', '--', ...templates], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  // Exit status is a bit set: 2 errors, 4 warnings, 8 informational; anything else means it did not run.
  if (result.status === null || (result.status & 1) === 1)
    throw new Error(`cfn-lint failed (status ${result.status}): ${result.error ?? ''}${result.stderr}`);
  return (JSON.parse(result.stdout) as JsonFinding[]).map((finding) => {
    const path = finding.Location.Path ?? [];
    return {
      rule: finding.Rule.Id,
      level: finding.Level,
      file: finding.Filename,
      resource: path[0] === 'Resources' ? String(path[1]) : undefined,
      path: path.join('/'),
      message: finding.Message,
    };
  });
}
