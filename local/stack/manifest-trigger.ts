import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { S3rverEventRecord } from 's3rver';
import { INCOMING_PREFIX, MANIFEST_FILE } from '../../core/study/keys';
import { LOCAL_ACCOUNT } from './local-env';

/** The detail of an S3 "Object Created" event delivered by EventBridge. */
export interface ObjectCreatedDetail {
  version: '0';
  bucket: { name: string };
  object: { key: string; size?: number; etag?: string; 'version-id'?: string; sequencer: string };
  'request-id': string;
  requester: string;
  'source-ip-address': string;
  reason: string;
}

/** s3rver's event names → the API call EventBridge names as the reason. */
const REASONS: Record<string, string> = {
  'ObjectCreated:Put': 'PutObject',
  // s3rver reports a completed multipart upload as Post (../shared/ENVIRONMENT.md).
  'ObjectCreated:Post': 'CompleteMultipartUpload',
  'ObjectCreated:Copy': 'CopyObject',
};

/**
 * The EventBridge event S3 sends for an object that s3rver reports created. The key is URL-encoded as
 * S3's notifications encode it (s3rver passes it raw), so the start function decodes the same form in
 * both places. s3rver keeps no object versions (its records and HeadObject answers have no version id),
 * so the event has no `version-id`, as S3's has none for an unversioned bucket: the start function then
 * compares ETags where the deployed bucket compares version ids.
 */
export function objectCreatedEvent(
  record: S3rverEventRecord,
  sequencer = record.s3.object.sequencer,
): EventBridgeEvent<'Object Created', ObjectCreatedDetail> {
  const { bucket, object } = record.s3;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail: {
      version: '0',
      bucket: { name: bucket.name },
      object: {
        key: encodeKey(object.key),
        size: object.size,
        etag: object.eTag,
        sequencer,
      },
      'request-id': record.responseElements['x-amz-request-id'] ?? randomUUID(),
      requester: LOCAL_ACCOUNT,
      'source-ip-address': record.requestParameters.sourceIPAddress,
      reason: REASONS[record.eventName] ?? record.eventName,
    },
  };
}

/**
 * The ManifestUploaded rule's pattern (lib/constructs/study-workflow.ts): Object Created in the studies
 * bucket with a key matching `incoming/*\/manifest.json`, where EventBridge's `*` spans slashes too.
 */
export function matchesManifestRule(
  event: EventBridgeEvent<'Object Created', ObjectCreatedDetail>,
  studiesBucket: string,
): boolean {
  const key = event.detail.object.key;
  return (
    event.source === 'aws.s3' &&
    event['detail-type'] === 'Object Created' &&
    event.detail.bucket.name === studiesBucket &&
    key.startsWith(INCOMING_PREFIX) &&
    key.endsWith(`/${MANIFEST_FILE}`) &&
    key.length > INCOMING_PREFIX.length + MANIFEST_FILE.length
  );
}

/** S3's notification encoding: each path segment URL-encoded, spaces as `+`. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

/** Hex digits of a local sequencer: S3's are 18 or so; a fixed width orders the same under any padding. */
const LOCAL_SEQUENCER_DIGITS = 18;

/**
 * S3 gives each later write of a key a greater sequencer; s3rver's are its clock in milliseconds, the same
 * for two uploads within one millisecond, so a newer manifest could pass for a repeat of the older one.
 * This keeps them increasing per key, as S3's are, and of one width: S3 orders sequencers of different
 * lengths by right-padding the shorter, under which a value that grew a digit could compare as older.
 */
export class SequencerClock {
  private readonly last = new Map<string, bigint>();

  next(key: string, sequencer: string): string {
    const given = BigInt(`0x${sequencer}`);
    const before = this.last.get(key);
    const value = before !== undefined && given <= before ? before + 1n : given;
    this.last.set(key, value);
    return value.toString(16).toUpperCase().padStart(LOCAL_SEQUENCER_DIGITS, '0');
  }
}
