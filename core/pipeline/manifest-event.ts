import { z } from 'zod';
import { decodeEventKey, studyIdOfManifestKey } from '../study/keys';

/** The part of an S3 "Object Created" event (as EventBridge delivers it) that starts a run. */
const objectCreatedDetail = z.object({
  bucket: z.object({ name: z.string().min(1) }),
  object: z.object({
    key: z.string().min(1),
    etag: z.string().optional(),
    'version-id': z.string().optional(),
    sequencer: z
      .string()
      .regex(/^[0-9A-Fa-f]{1,64}$/)
      .optional(),
  }),
});

/**
 * S3 sequencers are hex strings of varying length. S3's event message structure page says to right-pad the
 * shorter one with zeros, then compare as strings:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * Every sequencer is padded to this one length so that stored values compare the same way in DynamoDB.
 */
export const SEQUENCER_LENGTH = 64;

export interface ManifestArrival {
  bucket: string;
  studyId: string;
  /** The object version: S3's version id where the bucket is versioned, otherwise the ETag. */
  manifestVersion: string;
  /**
   * Orders writes of the same key: a later upload has a greater sequencer. Absent where the event source
   * does not give one; then versions cannot be ordered and the last event to arrive wins.
   */
  sequencer?: string;
}

export type ManifestEventOutcome =
  { kind: 'manifest'; arrival: ManifestArrival } | { kind: 'ignored'; reason: string };

/** Reads an object-created event; anything but a well-formed study manifest is ignored with a reason. */
export function readManifestEvent(detail: unknown): ManifestEventOutcome {
  const parsed = objectCreatedDetail.safeParse(detail);
  if (!parsed.success) return { kind: 'ignored', reason: 'event detail is not an S3 object-created detail' };
  const { bucket, object } = parsed.data;
  let key: string;
  try {
    key = decodeEventKey(object.key);
  } catch {
    // A malformed %-escape (the local S3 server passes keys unencoded) cannot name a study manifest.
    return { kind: 'ignored', reason: 'key is not valid URL encoding' };
  }
  const studyId = studyIdOfManifestKey(key);
  if (!studyId)
    return { kind: 'ignored', reason: 'key is not incoming/{studyId}/manifest.json with a valid study id' };
  const manifestVersion = object['version-id'] ?? object.etag;
  if (!manifestVersion) return { kind: 'ignored', reason: 'event carries neither a version id nor an ETag' };
  const sequencer = object.sequencer && comparableSequencer(object.sequencer);
  return { kind: 'manifest', arrival: { bucket: bucket.name, studyId, manifestVersion, sequencer } };
}

/** A sequencer in the form that orders as S3 says: upper case, right-padded with zeros to one length. */
export function comparableSequencer(sequencer: string): string {
  return sequencer.toUpperCase().padEnd(SEQUENCER_LENGTH, '0');
}

/**
 * The version a manifest's Object Created event carries, read back from a HeadObject answer: S3's version
 * id where the bucket is versioned, otherwise the ETag (which events give without its quotes).
 */
export function manifestVersionOfHead(head: { VersionId?: string; ETag?: string }): string | undefined {
  const versionId = head.VersionId && head.VersionId !== 'null' ? head.VersionId : undefined;
  return versionId ?? head.ETag?.replace(/^"|"$/g, '');
}
