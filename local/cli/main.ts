import { COMMANDS } from './commands';

/** Exit codes: 0 done, 1 the input was rejected, 2 usage or internal error (ARCHITECTURE.md). */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: Output = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

export async function main(argv: string[], io: Output = stdio): Promise<number> {
  const json = argv.includes('--json');
  const [name] = argv.filter((a) => a !== '--json');
  if (name === undefined) {
    io.err(usage());
    return EXIT.usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    report(io, json, 'UNKNOWN_COMMAND', `unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  if (command.pendingIssue !== undefined) {
    report(
      io,
      json,
      'NOT_IMPLEMENTED',
      `sap ${command.name} (${command.does}) is not built yet: it arrives with issue #${command.pendingIssue}. ` +
        'What works today: `npm test` (unit and infrastructure tests) and `npx cdk synth` (the AWS stacks).',
    );
    return EXIT.usage;
  }
  return EXIT.ok;
}

function report(io: Output, json: boolean, code: string, message: string): void {
  io.err(json ? JSON.stringify({ error: { code, message } }) : `sap: ${message}`);
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  const lines = COMMANDS.map(
    (c) =>
      `  ${c.usage.padEnd(width)}  ${c.does}${c.pendingIssue ? ` (not built yet: #${c.pendingIssue})` : ''}`,
  );
  return ['usage: sap <command> [--json] ...', '', ...lines].join('\n');
}
