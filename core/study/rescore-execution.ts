import { createHash } from 'node:crypto';
import { isStudyId } from './study-id';

/** Step Functions execution names: at most 80 characters of [A-Za-z0-9_-]. */
const EXECUTION_NAME_MAX = 80;
const RESCORE_MARK = '-r';
/** 64-character study id + "-r" + digest = 80. */
const DIGEST_LENGTH = EXECUTION_NAME_MAX - 64 - RESCORE_MARK.length;

/** What a rescore request is asked against: the study as it stands, and the model version wanted. */
export interface RescoreRequestState {
  studyId: string;
  manifestVersion: string;
  /** The fusion model version of the study's current result. */
  resultModelVersion?: string;
  /** When the study's latest rescore ended, if it had one. */
  lastRescoreAt?: string;
  modelVersion: string;
}

/**
 * The execution name of a rescore: deterministic in the study's state and the version asked for, so a
 * repeated request (a double click, a client retry) while the study is unchanged names the same execution
 * and starts nothing new, while a request after the study changed (another result, a finished or failed
 * rescore) gets a new name. `executionNameFor(studyId, manifestVersion)` plus a suffix would pass 80
 * characters for long study ids, hence one digest over everything. The `r` cannot occur in that name's
 * hex digest, so a rescore never takes the name of a pipeline run.
 */
export function rescoreExecutionName(state: RescoreRequestState): string {
  if (!isStudyId(state.studyId)) throw new Error(`invalid study id: ${JSON.stringify(state.studyId)}`);
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        state.manifestVersion,
        state.resultModelVersion ?? null,
        state.lastRescoreAt ?? null,
        state.modelVersion,
      ]),
    )
    .digest('hex')
    .slice(0, DIGEST_LENGTH);
  return `${state.studyId}${RESCORE_MARK}${digest}`;
}
