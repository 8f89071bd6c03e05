import { MODEL_VERSION_PATTERN } from '../core/study/model-keys';
import { isStudyId } from '../core/study/study-id';
import { ResultsApiClient, resolveApiTarget, type ApiOptions, type StudyView } from '../local/api-client';
import { pollStudyOnce, reportApiFailure } from './api-errors';
import { EXIT, reportError, type CommandContext, usageError } from './io';
import { STUDY_CLOCK, type PollClock } from './poll-clock';
import { formatStudy } from './study-report';

export interface RescoreInput extends ApiOptions {
  studyId: string;
  modelVersion: string;
  wait?: boolean;
  /** Seconds. */
  timeout: number;
}

/**
 * `sap rescore`: POST /studies/{studyId}/rescore, then optionally waits for the study's `rescore` record to
 * show this run's end. Exit 0 started (with --wait: rescored), 1 refused (no such study or model version,
 * not COMPLETED) or the rescore failed, 2 on usage errors, an unreachable API, or a --wait that timed out.
 */
export async function rescoreCommand(input: RescoreInput, ctx: CommandContext): Promise<number> {
  const { studyId, modelVersion, timeout } = input;
  const target = resolveApiTarget(input, ctx.env);
  const usage = (message: string) => usageError(ctx, message);
  if (!isStudyId(studyId)) return usage(`${JSON.stringify(studyId)} is not a studyId ([A-Za-z0-9_-]{1,64})`);
  if (!MODEL_VERSION_PATTERN.test(modelVersion) || modelVersion === '.' || modelVersion === '..')
    return usage(
      `--model-version ${JSON.stringify(modelVersion)} is not a model version ([A-Za-z0-9._-]{1,64})`,
    );
  if (typeof target === 'string') return usage(target);

  const client = new ResultsApiClient(target);
  try {
    // What the study's latest rescore was before this one: --wait waits for a newer one.
    const before = input.wait ? await client.getStudy(studyId) : undefined;
    const started = await client.rescore(studyId, modelVersion);
    if (!input.wait) {
      ctx.io.out(
        ctx.json
          ? JSON.stringify(started, null, 2)
          : `${studyId}: rescoring with fusion model ${modelVersion} (execution ${started.executionName})`,
      );
      return EXIT.ok;
    }
    if (!ctx.json) ctx.io.err(`${studyId}: rescoring with fusion model ${modelVersion} …`);
    const waited = { studyId, modelVersion, timeoutMs: timeout * 1000, before };
    return await waitForRescore(client, waited, ctx, ctx.clock ?? STUDY_CLOCK);
  } catch (error) {
    const code = reportApiFailure(ctx, error);
    if (code === undefined) throw error;
    return code;
  }
}

interface Waited {
  studyId: string;
  modelVersion: string;
  timeoutMs: number;
  before: StudyView | undefined;
}

/**
 * Polls until the study records a rescore that ended after the request: COMPLETED with this version (exit 0,
 * the study printed), or FAILED (exit 1, its stage, code and message). A rescore of another version that
 * ends meanwhile (a concurrent request) is reported and waited past; a new manifest version ends the wait,
 * since the rescore no longer applies to it.
 */
async function waitForRescore(
  client: ResultsApiClient,
  { studyId, modelVersion, timeoutMs, before }: Waited,
  ctx: CommandContext,
  clock: PollClock,
): Promise<number> {
  const deadline = clock.now() + timeoutMs;
  let seenAt = before?.rescore?.at;
  let interval = clock.firstMs;
  for (;;) {
    const study = await pollStudyOnce(client, studyId, ctx);
    if (study && before && study.manifestVersion !== before.manifestVersion) {
      reportError(
        ctx,
        'STUDY_CHANGED',
        `study ${studyId} was uploaded again (manifest version ${study.manifestVersion}): the rescore no longer applies`,
      );
      return EXIT.rejected;
    }
    const rescore = study?.rescore;
    if (study && rescore && rescore.at !== seenAt) {
      seenAt = rescore.at;
      if (rescore.modelVersion === modelVersion) return reportRescore(study, ctx);
      if (!ctx.json) ctx.io.err(`${studyId}: a rescore with ${rescore.modelVersion} ended; still waiting`);
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      reportError(
        ctx,
        'TIMEOUT',
        `gave up waiting for the rescore of ${studyId} after ${timeoutMs / 1000} s`,
      );
      return EXIT.usage;
    }
    await clock.sleep(Math.min(interval, left));
    interval = Math.min(interval * clock.factor, clock.maxMs);
  }
}

function reportRescore(study: StudyView, ctx: CommandContext): number {
  const { rescore } = study;
  if (rescore?.status === 'FAILED') {
    const error = rescore.error;
    const why = error ? `at ${error.stage} with ${error.code}: ${error.message}` : 'without a reason';
    reportError(
      ctx,
      error?.code ?? 'RESCORE_FAILED',
      `the rescore of ${study.studyId} failed ${why}; its result is unchanged`,
    );
    return EXIT.rejected;
  }
  ctx.io.out(ctx.json ? JSON.stringify(study, null, 2) : formatStudy(study));
  return EXIT.ok;
}
