import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { FINAL_STATUSES } from '../../core/study/status';
import { isStudyId } from '../../core/study/study-id';
import { ApiError, ApiUnreachable, ResultsApiClient, resolveApiTarget, type StudyView } from '../api-client';
import { enteredStages, formatStudy, stageLine } from './study-report';
import { EXIT, reportError, type CommandContext, parseOrReport, usageError } from './io';

const USAGE =
  'usage: sap status <studyId> [--wait] [--timeout S] [--endpoint URL | --api URL] [--json]\n' +
  '  --wait        poll until COMPLETED (exit 0) or FAILED (exit 1), showing each stage on stderr\n' +
  '  --timeout S   give up waiting after S seconds (exit 2); default 3600\n' +
  '  --endpoint URL / --api URL  as for sap submit (default $SAP_API_URL, signed)';
/** Inference may wait for a GPU instance to start from zero (several minutes) and run up to an hour. */
const DEFAULT_TIMEOUT_SECONDS = 3600;

/** How --wait polls: a short first interval, growing by `factor` to `maxMs`, reset when the stage changes. */
export interface PollClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  firstMs: number;
  maxMs: number;
  factor: number;
}
export const REAL_CLOCK: PollClock = {
  now: Date.now,
  sleep: (ms) => sleep(ms),
  firstMs: 1000,
  maxMs: 15_000,
  factor: 1.5,
};

/**
 * `sap status`: GET /studies/{studyId}. Exit 0 when the study is there (COMPLETED with --wait), 1 when it
 * FAILED or does not exist, 2 on usage errors, an unreachable API, or a --wait that timed out.
 */
export async function statusCommand(
  args: string[],
  ctx: CommandContext,
  clock = REAL_CLOCK,
): Promise<number> {
  const parsed = parseOrReport(ctx, USAGE, () => parse(args));
  if (!parsed) return EXIT.usage;
  const { values, positionals } = parsed;
  const [studyId] = positionals;
  const target = resolveApiTarget(values);
  const timeout = Number(values.timeout ?? DEFAULT_TIMEOUT_SECONDS);
  const usage = (message: string) => usageError(ctx, USAGE, message);
  if (!studyId || positionals.length > 1) return usage('one studyId, please');
  if (!isStudyId(studyId)) return usage(`${JSON.stringify(studyId)} is not a studyId ([A-Za-z0-9_-]{1,64})`);
  if (typeof target === 'string') return usage(target);
  if (!(timeout > 0)) return usage('--timeout is a number of seconds above 0');

  const client = new ResultsApiClient(target);
  try {
    const study = values.wait
      ? await waitForFinal(client, studyId, timeout * 1000, ctx, clock)
      : await client.getStudy(studyId);
    if (study === 'timeout') return EXIT.usage;
    if (study === undefined) {
      reportError(ctx, 'NOT_FOUND', `no study ${studyId} (a study appears a few seconds after its manifest)`);
      return EXIT.rejected;
    }
    ctx.io.out(ctx.json ? JSON.stringify(study, null, 2) : formatStudy(study));
    return study.status === 'FAILED' ? EXIT.rejected : EXIT.ok;
  } catch (error) {
    if (error instanceof ApiError || error instanceof ApiUnreachable) {
      const code = error instanceof ApiError ? error.code : error.name;
      reportError(ctx, code, error.message);
      return EXIT.usage;
    }
    throw error;
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      endpoint: { type: 'string' },
      api: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
}

/**
 * Polls until the study is COMPLETED or FAILED, printing each stage it entered to stderr. A study not there
 * yet (its manifest event not yet processed) and passing server errors are waited out, not fatal.
 */
async function waitForFinal(
  client: ResultsApiClient,
  studyId: string,
  timeoutMs: number,
  ctx: CommandContext,
  clock: PollClock,
): Promise<StudyView | 'timeout'> {
  const deadline = clock.now() + timeoutMs;
  const shown = new Set<string>();
  let interval = clock.firstMs;
  let last: StudyView | undefined;
  for (;;) {
    const study = await pollOnce(client, studyId, ctx);
    if (study) {
      const stages = enteredStages(study);
      // A new manifest version restarts the stages: show them again.
      if (last && last.manifestVersion !== study.manifestVersion) shown.clear();
      const fresh = stages.filter((s) => !shown.has(s.status));
      for (const stage of fresh) {
        shown.add(stage.status);
        const progress = { studyId, status: stage.status, at: stage.at };
        ctx.io.err(ctx.json ? JSON.stringify({ progress }) : stageLine(studyId, stage, stages[0]!.at));
      }
      if (fresh.length > 0) interval = clock.firstMs;
      last = study;
      if (FINAL_STATUSES.includes(study.status)) return study;
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      const where = last ? `still ${last.status}` : 'not received yet';
      reportError(
        ctx,
        'TIMEOUT',
        `gave up waiting for study ${studyId} after ${timeoutMs / 1000} s: ${where}`,
      );
      return 'timeout';
    }
    await clock.sleep(Math.min(interval, left));
    interval = Math.min(interval * clock.factor, clock.maxMs);
  }
}

/** One GET; undefined while the study is not there or the API has a passing failure (5xx, unreachable). */
async function pollOnce(client: ResultsApiClient, studyId: string, ctx: CommandContext) {
  try {
    return await client.getStudy(studyId);
  } catch (error) {
    const passing = error instanceof ApiUnreachable || (error instanceof ApiError && error.status >= 500);
    if (!passing) throw error;
    if (!ctx.json) ctx.io.err(`${studyId}: ${error.message}; trying again`);
    return undefined;
  }
}
