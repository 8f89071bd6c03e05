import { main } from '../../cli/main';

/** Runs the CLI in this process, as `sap ...argv` would, and collects what it prints. */
export async function sap(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
