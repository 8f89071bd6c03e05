import type { PollClock } from './poll-clock';

/** Exit codes of every `sap` command, defined here only. */
export const EXIT = {
  /** Done; with --wait, the study or batch completed. */
  ok: 0,
  /** The study (or its input) was rejected, or it failed. */
  rejected: 1,
  /** A usage error, an unreachable service, or a wait that timed out. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT, as the shell reports it); the same command resumes where it can. */
  interrupted: 130,
} as const;

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CommandContext {
  io: Output;
  /** `--json`: one JSON document on stdout; errors as JSON on stderr. */
  json: boolean;
  /** Where $SAP_API_URL and $SAP_BATCH_STATE_MACHINE are read; tests pass their own. */
  env: NodeJS.ProcessEnv;
  /** How --wait polls; each command has its own default, tests pass a fake one. */
  clock?: PollClock;
  /** The command's usage line and where its options are listed, shown after a usage error. */
  usage: string;
}

export function reportError(ctx: Pick<CommandContext, 'io' | 'json'>, code: string, message: string): void {
  ctx.io.err(ctx.json ? JSON.stringify({ error: { code, message } }) : `sap: ${message}`);
}

/** Reports a usage error followed by the command's usage; returns the exit code for it. */
export function usageError(ctx: CommandContext, message: string): number {
  reportError(ctx, 'USAGE', `${message}\n${ctx.usage}`);
  return EXIT.usage;
}
