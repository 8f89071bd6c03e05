import { z } from 'zod';
import { STUDY_STATUSES, type StudyStatus } from '../../core/study/status';
import { STUDY_ID_PATTERN } from '../../core/study/study-id';
import { STUDIES_TABLE } from '../../core/study/table-layout';

/**
 * Where the previous page of the byStatus index stopped: the table key and the index key of its last item,
 * in the forms the table holds (a study id, an ISO timestamp). A key DynamoDB would refuse (one of
 * kilobytes, say) is refused here as a bad token, not passed on to fail as a server error.
 */
const lastKeySchema = z.strictObject({
  [STUDIES_TABLE.partitionKey]: z.string().regex(STUDY_ID_PATTERN),
  status: z.enum(STUDY_STATUSES as [StudyStatus, ...StudyStatus[]]),
  [STUDIES_TABLE.statusIndexSortKey]: z.iso.datetime(),
});

/** The `next` token of a page: the index position, opaque to clients (base64url JSON). */
export function encodePageToken(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

/**
 * The index position a `next` token stands for, or undefined when it is not a token this API handed out for
 * `status`: a forged key would otherwise reach DynamoDB and fail there as a server error.
 */
export function decodePageToken(token: string, status: StudyStatus): Record<string, unknown> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = lastKeySchema.safeParse(json);
  return parsed.success && parsed.data.status === status ? parsed.data : undefined;
}
