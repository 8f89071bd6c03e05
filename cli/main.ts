import { addCommands } from './commands';
import { EXIT, reportError, type Output } from './io';
import type { PollClock } from './poll-clock';
import { CommanderError, createProgram, reportCommanderError } from './program';

export { EXIT, type Output } from './io';

const stdio: Output = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

/** What tests replace: the environment ($SAP_API_URL, ...) and the clock --wait polls with. */
export interface MainDependencies {
  env?: NodeJS.ProcessEnv;
  clock?: PollClock;
}

/** Runs `sap` with these arguments (those after `sap`); returns the exit code. */
export async function main(argv: string[], io: Output = stdio, deps: MainDependencies = {}): Promise<number> {
  // Known before commander parses, so that its own errors can be JSON too.
  const json = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined).includes('--json');
  const ctx = { io, json, env: deps.env ?? process.env, ...(deps.clock ? { clock: deps.clock } : {}) };
  let exitCode: number = EXIT.ok;
  const program = createProgram(ctx);
  addCommands(program, ctx, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return reportCommanderError(ctx, program, argv, error);
    // A model card that names inputs the pipeline lacks is the user's input, refused with its problems.
    // Imported here, not above: the fusion module (radiomics, zod) would double the time of every `--help`.
    const { ModelCardInvalid } = await import('../core/fusion/model-card');
    if (error instanceof ModelCardInvalid) {
      reportError(ctx, error.name, error.message);
      return EXIT.rejected;
    }
    const unreadable = unreadableFile(error);
    if (unreadable) {
      reportError(ctx, unreadable.code, unreadable.message);
      return EXIT.usage;
    }
    reportError(ctx, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
    return EXIT.usage;
  }
}

/** File-system errors a command meets on a path it was given, by code: what the user must fix. */
const FILE_ERRORS: Readonly<Record<string, [code: string, reason: string]>> = {
  ENOENT: ['FILE_NOT_FOUND', 'no such file or folder'],
  EACCES: ['FILE_NOT_READABLE', 'permission denied'],
  EPERM: ['FILE_NOT_READABLE', 'permission denied'],
  ENOTDIR: ['FILE_NOT_FOUND', 'a part of the path is not a folder'],
};

/** A named path that could not be read or written, as a sentence naming it, or undefined. */
function unreadableFile(error: unknown): { code: string; message: string } | undefined {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  const known = code === undefined ? undefined : FILE_ERRORS[code];
  if (!known || typeof path !== 'string') return undefined;
  return { code: known[0], message: `cannot use ${path}: ${known[1]}` };
}
