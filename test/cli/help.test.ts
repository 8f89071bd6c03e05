import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addCommands } from '../../cli/commands';
import { EXIT, main } from '../../cli/main';
import { commandPath, createProgram } from '../../cli/program';
import { API_URL_ENV } from '../../local/api-client';

const SAP = new URL('../../bin/sap.js', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every command that runs something, as the words that name it: `['batch', 'run']`, ... */
function leafCommands(): string[][] {
  const ctx = { io: { out: () => undefined, err: () => undefined }, json: false, env: {} };
  const program = createProgram(ctx);
  addCommands(program, ctx, () => undefined);
  const leaves: string[][] = [];
  const walk = (command: Command) => {
    if (command.commands.length === 0) leaves.push(commandPath(command).split(' ').slice(1));
    for (const sub of command.commands) walk(sub);
  };
  walk(program);
  return leaves;
}

// Starting a process costs ~1 s here (tsx compiles the sources on the fly, as SAP_CLI_FROM_SOURCE asks, so
// that no build is needed), so the real processes are the three entry points and every command's help runs
// in-process through the same `main` that bin/sap.js calls. test/cli/built-cli.test.ts runs the compiled CLI.
describe('sap as a process', () => {
  const env = { ...process.env, SAP_CLI_FROM_SOURCE: '1' };
  const sap = (...args: string[]) => promisify(execFile)(process.execPath, [SAP, ...args], { env });

  it('--help exits 0 and lists every command', async () => {
    const { stdout, stderr } = await sap('--help');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: sap \[options\] \[command\]/);
    for (const [name] of leafCommands()) expect(stdout).toContain(`  ${name!} `);
  });

  it('--version prints the version of package.json', async () => {
    const { stdout } = await sap('--version');
    expect(stdout.trim()).toBe(version);
  });

  it('scores --help prints its usage instead of opening a file named --help', async () => {
    const { stdout, stderr } = await sap('scores', '--help');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: sap scores \[options\] <clinical-json>/);
  });
});

describe('sap <command> --help', () => {
  const commands = leafCommands();

  it('covers every command, the batch subcommands included', () => {
    expect(commands.map((words) => words.join(' ')).sort()).toEqual(
      [
        ...['batch run', 'batch status', 'batch submit', 'cost', 'demo', 'evaluate', 'features'],
        ...['ibsi-compliance', 'infer', 'predict', 'radiomics', 'rescore', 'scores', 'serve'],
        ...['status', 'submit', 'validate', 'join', 'phantoms', 'check-card'],
      ].sort(),
    );
  });

  it.each(commands.map((words) => [words.join(' '), words]))(
    '%s --help exits 0 with its usage',
    async (_, words) => {
      const { code, out, err } = await run(...words, '--help');
      expect(code).toBe(EXIT.ok);
      expect(err).toBe('');
      expect(out).toMatch(new RegExp(`^Usage: sap ${words.join(' ')} `));
      expect(out).toContain('--json');
    },
  );

  it('`sap help <command>` is the same help', async () => {
    expect((await run('help', 'status')).out).toBe((await run('status', '--help')).out);
  });

  it('names the results API variable that the client reads', async () => {
    expect((await run('submit', '--help')).out).toContain(`$${API_URL_ENV}`);
  });

  it('uses one name per idea across commands', async () => {
    const help = Object.fromEntries(
      await Promise.all(
        commands.map(async (words) => [words.join(' '), (await run(...words, '--help')).out]),
      ),
    ) as Record<string, string>;
    for (const name of ['submit', 'status', 'rescore'])
      expect(help[name]).toMatch(/--endpoint <url>[\s\S]*--api <url>/);
    for (const name of ['demo', 'serve', 'infer']) expect(help[name]).toContain('--models <dir>');
    for (const name of ['predict', 'features', 'evaluate'])
      expect(help[name]).toContain('--model-card <file>');
    for (const name of ['serve', 'batch run']) expect(help[name]).toContain('--data-dir <dir>');
    for (const name of ['status', 'rescore', 'batch status'])
      expect(help[name]).toMatch(/--wait[\s\S]*--timeout <seconds>/);
    const all = Object.values(help).join('\n');
    for (const old of ['--data <', '--model <']) expect(all).not.toContain(old);
  });
});
