import { FINAL_STATUSES } from '../core/study/status';
import { isStudyId } from '../core/study/study-id';
import { ResultsApiClient, resolveApiTarget, type ApiOptions, type StudyView } from '../local/api-client';
import { pollStudyOnce, reportApiFailure } from './api-errors';
import { EXIT, reportError, type CommandContext, usageError } from './io';
import { STUDY_CLOCK, type PollClock } from './poll-clock';
import { enteredStages, formatStudy, stageLine } from './study-report';

export interface StatusInput extends ApiOptions {
  studyId: string;
  wait?: boolean;
  /** Seconds. */
  timeout: number;
  /** Print the completed study's FHIR R4 RiskAssessment instead of the study. */
  fhir?: boolean;
}

/**
 * `sap status`: GET /studies/{studyId}. Exit 0 when the study is there (COMPLETED with --wait), 1 when it
 * FAILED or does not exist, 2 on usage errors, an unreachable API, or a --wait that timed out. With --fhir,
 * prints GET /studies/{studyId}/fhir (the RiskAssessment JSON) once the study is there; 1 when it has none.
 */
export async function statusCommand(input: StatusInput, ctx: CommandContext): Promise<number> {
  const { studyId, timeout } = input;
  const target = resolveApiTarget(input, ctx.env);
  const usage = (message: string) => usageError(ctx, message);
  if (!isStudyId(studyId)) return usage(`${JSON.stringify(studyId)} is not a studyId ([A-Za-z0-9_-]{1,64})`);
  if (typeof target === 'string') return usage(target);

  const client = new ResultsApiClient(target);
  try {
    const study = input.wait
      ? await waitForFinal(client, studyId, timeout * 1000, ctx, ctx.clock ?? STUDY_CLOCK)
      : await client.getStudy(studyId);
    if (study === 'timeout') return EXIT.usage;
    if (study === undefined) {
      reportError(ctx, 'NOT_FOUND', `no study ${studyId} (a study appears a few seconds after its manifest)`);
      return EXIT.rejected;
    }
    if (input.fhir) {
      // FHIR is JSON already: printed as is, with or without --json.
      ctx.io.out(JSON.stringify(await client.getRiskAssessment(studyId), null, 2));
      return EXIT.ok;
    }
    ctx.io.out(ctx.json ? JSON.stringify(study, null, 2) : formatStudy(study));
    return study.status === 'FAILED' ? EXIT.rejected : EXIT.ok;
  } catch (error) {
    const code = reportApiFailure(ctx, error);
    if (code === undefined) throw error;
    return code;
  }
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
    const study = await pollStudyOnce(client, studyId, ctx);
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
