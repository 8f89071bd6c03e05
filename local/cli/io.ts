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
