import { ApiError, ApiUnreachable, type ResultsApiClient, type StudyView } from '../local/api-client';
import { UploadRefused } from '../local/presigned-upload';
import { EXIT, reportError, type CommandContext } from './io';

/**
 * Answers that reject the request itself (bad input, no such study or model version, a study not
 * COMPLETED): exit 1. Every other answer says nothing of the study (credentials, throttling, a server
 * error): exit 2, like an API that cannot be reached.
 */
const NOT_ABOUT_THE_STUDY = new Set([401, 403, 407, 408, 429]);

/** The exit code for an HTTP status the results API answered with. */
export function exitCodeForApiStatus(status: number): number {
  return status >= 400 && status < 500 && !NOT_ABOUT_THE_STUDY.has(status) ? EXIT.rejected : EXIT.usage;
}

/**
 * Reports a failure to talk to the results API (or to upload to the URLs it handed out) and returns its
 * exit code; undefined for any other error, which the caller rethrows.
 */
export function reportApiFailure(ctx: CommandContext, error: unknown): number | undefined {
  if (error instanceof ApiError) {
    reportError(ctx, error.code, `the results API answered HTTP ${error.status}: ${error.message}`);
    return exitCodeForApiStatus(error.status);
  }
  if (error instanceof ApiUnreachable || error instanceof UploadRefused) {
    reportError(ctx, error.name, error.message);
    return EXIT.usage;
  }
  return undefined;
}

/** A failure that polling waits out: the API unreachable for a moment, or a server error. */
export function isPassingFailure(error: unknown): error is ApiError | ApiUnreachable {
  return error instanceof ApiUnreachable || (error instanceof ApiError && error.status >= 500);
}

/**
 * One GET of a study while --wait polls: undefined while the study is not there or the API has a passing
 * failure (5xx, unreachable), which --wait waits out.
 */
export async function pollStudyOnce(
  client: ResultsApiClient,
  studyId: string,
  ctx: CommandContext,
): Promise<StudyView | undefined> {
  try {
    return await client.getStudy(studyId);
  } catch (error) {
    if (!isPassingFailure(error)) throw error;
    if (!ctx.json) ctx.io.err(`${studyId}: ${error.message}; trying again`);
    return undefined;
  }
}
