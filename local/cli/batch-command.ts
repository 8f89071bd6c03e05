import { EXIT, reportError, type CommandContext } from './io';

/** The `sap batch` subcommands: one batch over many studies, locally or in the cloud. */
const BATCH_COMMANDS: Record<string, (args: string[], ctx: CommandContext) => Promise<number>> = {
  run: async (args, ctx) => (await import('./batch-run-command')).batchRunCommand(args, ctx),
  submit: async (args, ctx) => (await import('./batch-submit-command')).batchSubmitCommand(args, ctx),
  status: async (args, ctx) => (await import('./batch-status-command')).batchStatusCommand(args, ctx),
};

export async function batchCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = args;
  const command =
    name !== undefined && Object.hasOwn(BATCH_COMMANDS, name) ? BATCH_COMMANDS[name] : undefined;
  if (!command) {
    reportError(
      ctx,
      'USAGE',
      `usage: sap batch <${Object.keys(BATCH_COMMANDS).join('|')}> ...${name === undefined ? '' : ` (not "${name}")`}`,
    );
    return EXIT.usage;
  }
  return command(rest, ctx);
}
