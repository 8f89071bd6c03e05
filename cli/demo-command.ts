import * as path from 'node:path';
import { formatDemoOutcome, formatStage } from '../local/demo/format-demo';
import type { DemoProgress } from '../local/demo/run-demo';
import { DEFAULT_DATA_DIR, REPO_ROOT } from '../local/stack/paths';
import { stopSignal } from '../local/stack/signals';
import { EXIT, reportError, type CommandContext } from './io';

/** Overrides the folder the demo writes to (default .sap-local/ in the repository): tests use a clean one. */
export const LOCAL_DIR_ENV = 'SAP_LOCAL_DIR';

export interface DemoInput {
  out?: string;
  models?: string;
}

/**
 * `sap demo` (what `npm start` runs): the whole pipeline on this machine on the bundled sample study.
 * Exit 0 when the study completes, 1 when it fails (with the reason), 2 on a usage or internal error.
 */
export async function demoCommand(input: DemoInput, ctx: CommandContext): Promise<number> {
  const modelDir = input.models && path.resolve(input.models);
  const base = ctx.env[LOCAL_DIR_ENV] ?? path.join(REPO_ROOT, DEFAULT_DATA_DIR);
  const outDir = path.resolve(input.out ?? path.join(base, 'demo'));
  const say = (text: string) => (ctx.json ? undefined : ctx.io.out(text));
  say(
    'sap demo: the whole pipeline on this machine, on a synthetic sample study (synthetic models, not for clinical use)',
  );

  const interrupted = new AbortController();
  const signals = stopSignal();
  void signals.received.then((signal) => interrupted.abort(new Error(`stopped by ${signal}`)));
  try {
    // Loaded after the arguments are checked: the stack pulls in the SDK, the handlers and onnxruntime.
    const { runDemo } = await import('../local/demo/run-demo');
    const outcome = await runDemo({
      outDir,
      modelDir,
      signal: interrupted.signal,
      onProgress: (p) => say(describe(p)),
    });
    if (ctx.json) ctx.io.out(JSON.stringify(outcome, null, 2));
    else {
      say('');
      for (const line of formatDemoOutcome(outcome)) say(line);
    }
    if (outcome.study.status === 'COMPLETED') return EXIT.ok;
    const error = outcome.study.error;
    reportError(
      ctx,
      error?.code ?? 'FAILED',
      `the sample study failed at ${error?.stage ?? '?'}: ${error?.message ?? 'no reason recorded'}`,
    );
    return EXIT.rejected;
  } catch (error) {
    if (!interrupted.signal.aborted) throw error;
    reportError(
      ctx,
      'INTERRUPTED',
      `${(interrupted.signal.reason as Error).message}: the local stack was stopped`,
    );
    return EXIT.interrupted;
  } finally {
    signals.dispose();
  }
}

function describe(progress: DemoProgress): string {
  switch (progress.kind) {
    case 'sample':
      return `Sample study: ${progress.study.description}, ${(progress.study.bytes / 1024 ** 2).toFixed(1)} MiB (${progress.seconds.toFixed(1)} s)`;
    case 'stack':
      return `Local stack up in ${progress.seconds.toFixed(1)} s: S3 ${progress.s3Endpoint}, results API ${progress.apiUrl}`;
    case 'submitted':
      return `Submitted as study ${progress.studyId} (${progress.seconds.toFixed(1)} s to upload); running:`;
    case 'stage-started':
      return `  ${progress.stage.padEnd(10)} …${progress.attempt > 1 ? ` (attempt ${progress.attempt})` : ''}`;
    case 'stage-ended':
      return formatStage(progress);
  }
}
