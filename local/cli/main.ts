import { COMMANDS } from './commands';
import { EXIT, reportError, type Output } from './io';

export { EXIT, type Output } from './io';

const stdio: Output = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

export async function main(argv: string[], io: Output = stdio): Promise<number> {
  const json = argv.includes('--json');
  const [name, ...args] = argv.filter((a) => a !== '--json');
  const ctx = { io, json };
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
    reportError(ctx, 'UNKNOWN_COMMAND', `unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  if (command.run) {
    try {
      return await command.run(args, ctx);
    } catch (error) {
      reportError(ctx, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
      return EXIT.usage;
    }
  }
  if (command.pendingIssue !== undefined) {
    reportError(
      ctx,
      'NOT_IMPLEMENTED',
      `sap ${command.name} (${command.does}) is not built yet: it arrives with issue #${command.pendingIssue}. ` +
        'What works today: `npm test` (unit and infrastructure tests) and `npx cdk synth` (the AWS stacks).',
    );
    return EXIT.usage;
  }
  return EXIT.ok;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  const lines = COMMANDS.map(
    (c) =>
      `  ${c.usage.padEnd(width)}  ${c.does}${c.pendingIssue ? ` (not built yet: #${c.pendingIssue})` : ''}`,
  );
  return ['usage: sap <command> [--json] ...', '', ...lines].join('\n');
}
