import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../local/cli/commands';
import { EXIT, main } from '../../local/cli/main';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n'), errLines: err };
}

describe('sap', () => {
  it('answers a wrong option with the usage and exit code 2', async () => {
    const { code, out, err } = await run('demo', '--frobnicate');
    expect(code).toBe(EXIT.usage);
    expect(out).toBe('');
    expect(err).toContain('usage: sap demo');
  });

  it('names the issue of every unbuilt command', async () => {
    for (const command of COMMANDS.filter((c) => c.pendingIssue !== undefined)) {
      const { code, err } = await run(command.name);
      expect(code, command.name).toBe(2);
      expect(err, command.name).toContain(`#${command.pendingIssue}`);
    }
  });

  it('prints one JSON error object on stderr with --json', async () => {
    for (const argv of [
      ['serve', '--port-s3', 'x', '--json'],
      ['--json', 'serve', '--port-s3', 'x'],
    ]) {
      const { code, out, errLines } = await run(...argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(errLines).toHaveLength(1);
      const parsed = JSON.parse(errLines[0] ?? '') as { error: { code: string; message: string } };
      expect(parsed.error.code).toBe('USAGE');
      expect(parsed.error.message).toContain('--port-s3');
    }
  });

  it('rejects an unknown command with exit code 2', async () => {
    const { code, out, err } = await run('frobnicate');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('unknown command "frobnicate"');
    const json = await run('frobnicate', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.err)).toMatchObject({ error: { code: 'UNKNOWN_COMMAND' } });
  });

  it.each(['--help', '-h', 'help'])('%s lists every command and exits 0', async (flag) => {
    const { code, out, err } = await run(flag);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/^usage: sap <command>/);
    for (const command of COMMANDS) expect(out).toContain(command.usage);
  });

  it('exits 2 with the usage when no command is given', async () => {
    const { code, out, err } = await run();
    expect(code).toBe(2);
    expect(out + err).toContain('usage: sap');
  });
});
