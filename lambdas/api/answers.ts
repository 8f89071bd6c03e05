import { isStudyId } from '../../core/study/study-id';
import { getStudy, type StudyItem } from '../shared/studies-table';

/** A status code and body for the handler to send. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The API's error answer: `{error, message}`. */
export const refusal = (status: number, error: string, message: string): ApiAnswer => ({
  status,
  body: { error, message },
});

export const INVALID_STUDY_ID = refusal(400, 'INVALID_STUDY_ID', 'studyId must match [A-Za-z0-9_-]{1,64}');

/** The study a route names, or the answer for a malformed id (400) or an unknown study (404). */
export async function studyOrRefusal(
  studyId: string,
): Promise<{ study: StudyItem } | { refused: ApiAnswer }> {
  if (!isStudyId(studyId)) return { refused: INVALID_STUDY_ID };
  const study = await getStudy(studyId);
  return study ? { study } : { refused: refusal(404, 'NOT_FOUND', `no study ${studyId}`) };
}
