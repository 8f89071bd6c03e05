/** Exit codes: 0 done, 1 the input was rejected, 2 usage or internal error (ARCHITECTURE.md). */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CommandContext {
  io: Output;
  /** `--json`: one JSON document on stdout; errors as JSON on stderr. */
  json: boolean;
}

export function reportError(ctx: CommandContext, code: string, message: string): void {
  ctx.io.err(ctx.json ? JSON.stringify({ error: { code, message } }) : `sap: ${message}`);
}

/** Reports a usage error followed by the command's usage; returns the exit code for it. */
export function usageError(ctx: CommandContext, usage: string, message: string): number {
  reportError(ctx, 'USAGE', `${message}\n${usage}`);
  return EXIT.usage;
}

/** The arguments as `parse` reads them, or undefined once its error has been reported with the usage. */
export function parseOrReport<T>(ctx: CommandContext, usage: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    usageError(ctx, usage, (error as Error).message);
    return undefined;
  }
}
