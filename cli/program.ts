import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { REPO_ROOT } from '../local/stack/paths';
import { EXIT, reportError, type CommandContext } from './io';

/** What each command's action receives: its declared arguments by name, then its options. */
export type CommandInput = Record<string, unknown>;
export type CommandRun<T> = (input: T, ctx: CommandContext) => Promise<number>;
/** The context without what the program adds per command (its usage line). */
export type ProgramContext = Omit<CommandContext, 'usage'>;

const VERSION = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

const EXIT_CODES_HELP = `
Exit codes: ${EXIT.ok} done; ${EXIT.rejected} the study or its input was rejected, or it failed;
${EXIT.usage} a usage error, an unreachable service, or a --wait that timed out.
Errors go to stderr; with --json, as one {"error":{"code","message"}} object.`;

/**
 * The `sap` program: commander parses and prints help; errors are thrown (not exited) so that `main`
 * reports them itself and returns the exit code. Commands are added to the result by the caller.
 */
export function createProgram(ctx: ProgramContext): Command {
  const program = new Command('sap')
    .description(
      'Early warning of severe acute pancreatitis: the pipeline and its tools on the command line.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .option('--json', 'print one JSON document on stdout (errors as JSON on stderr)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.out(text.trimEnd()),
      writeErr: (text) => ctx.io.err(text.trimEnd()),
      // Errors are reported by `main`, as text or JSON.
      outputError: () => undefined,
    });
  program.helpCommand('help [command]', 'print the help of a command');
  return program;
}

/**
 * Makes `load`'s command the action of `command`. The implementation is imported only when the command runs,
 * so `--help` and other commands do not load the AWS SDK or onnxruntime.
 */
export function runs<T>(
  command: Command,
  ctx: ProgramContext,
  setExitCode: (code: number) => void,
  load: () => Promise<CommandRun<T>>,
): Command {
  return command.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Command;
    // `<study-folder>` is `studyFolder`, as commander names options.
    const names = self.registeredArguments.map((a) =>
      a.name().replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
    );
    const args = Object.fromEntries(names.map((name, n) => [name, self.processedArgs[n]]));
    const input = { ...args, ...self.opts() } as T;
    const run = await load();
    setExitCode(await run(input, { ...ctx, usage: usageOf(self) }));
  });
}

/** `sap batch run`: the command's name with its parents'. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The usage line shown after a usage error, and where the options are listed. */
export function usageOf(command: Command): string {
  const path = commandPath(command);
  const lists = command.commands.length > 0 ? 'the commands' : 'the options';
  return `Usage: ${path} ${command.usage()}\n(\`${path} --help\` lists ${lists})`;
}

/** The command the arguments name (`batch run` for `batch run x --y`), for the usage shown after an error. */
export function commandNamedBy(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const arg of argv) {
    if (arg === '--') break;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub) command = sub;
  }
  return command;
}

/** Reports an error commander threw while parsing; returns the exit code. */
export function reportCommanderError(
  ctx: ProgramContext,
  program: Command,
  argv: readonly string[],
  error: CommanderError,
): number {
  // Help and version were printed; `help({ error: true })` (no command given) went to stderr.
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
  if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const message = error.message.replace(/^error: /, '');
  const command = commandNamedBy(program, argv);
  const code = error.code === 'commander.unknownCommand' ? 'UNKNOWN_COMMAND' : 'USAGE';
  reportError(ctx, code, `${message}\n${usageOf(command)}`);
  return EXIT.usage;
}

export { CommanderError };
