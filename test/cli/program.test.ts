import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../cli/main';

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
    expect(err).toContain("sap: unknown option '--frobnicate'");
    expect(err).toContain('Usage: sap demo [options]');
  });

  it('prints one JSON error object on stderr with --json, wherever --json stands', async () => {
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
    expect(err).toContain("unknown command 'frobnicate'");
    const json = await run('frobnicate', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.err)).toMatchObject({ error: { code: 'UNKNOWN_COMMAND' } });
  });

  it('refuses a second argument instead of ignoring it', async () => {
    const { code, err } = await run('scores', 'a.json', 'b.json');
    expect(code).toBe(2);
    expect(err).toContain('too many arguments');
  });

  it('exits 2 with the usage on stderr when no command is given', async () => {
    const { code, out, err } = await run();
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('Usage: sap [options] [command]');
  });

  it('exits 2 with the batch commands when `sap batch` names none', async () => {
    const { code, err } = await run('batch');
    expect(code).toBe(2);
    for (const sub of ['run', 'submit', 'status']) expect(err).toMatch(new RegExp(`^  ${sub} `, 'm'));
  });

  it('takes the old option names as hidden aliases, but not beside the new ones', async () => {
    const both = await run('predict', '--model', 'a.json', '--model-card', 'b.json', '--features', 'f.csv');
    expect(both.code).toBe(2);
    expect(both.err).toContain('cannot be used with');
    const help = await run('predict', '--help');
    expect(help.out).toContain('--model-card <file>');
    expect(help.out).not.toMatch(/--model </);
  });
});
