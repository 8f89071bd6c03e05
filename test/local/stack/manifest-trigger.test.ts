import type { S3rverEventRecord } from 's3rver';
import { describe, expect, it } from 'vitest';
import { readManifestEvent } from '../../../core/pipeline/manifest-event';
import {
  matchesManifestRule,
  objectCreatedEvent,
  SequencerClock,
} from '../../../local/stack/manifest-trigger';

const BUCKET = 'sap-studies';

/** An object-created record as s3rver emits it: the key raw, not URL-encoded. */
const record = (key: string, eventName = 'ObjectCreated:Put', bucket = BUCKET): S3rverEventRecord => ({
  eventName,
  eventTime: '2026-11-26T12:00:00.000Z',
  awsRegion: 'us-east-1',
  requestParameters: { sourceIPAddress: '127.0.0.1' },
  responseElements: { 'x-amz-request-id': 'R1' },
  s3: { bucket: { name: bucket }, object: { key, size: 340, eTag: 'abc123', sequencer: '18F0A1B2C3D' } },
});

describe('manifest trigger: s3rver events as EventBridge delivers S3 events', () => {
  it('builds the Object Created event the start function reads', () => {
    const event = objectCreatedEvent(record('incoming/study-1/manifest.json'));
    expect(event).toMatchObject({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: {
        bucket: { name: BUCKET },
        object: { key: 'incoming/study-1/manifest.json', etag: 'abc123', sequencer: '18F0A1B2C3D' },
        reason: 'PutObject',
      },
    });
    expect(readManifestEvent(event.detail)).toEqual({
      kind: 'manifest',
      arrival: {
        bucket: BUCKET,
        studyId: 'study-1',
        manifestVersion: 'abc123',
        sequencer: expect.stringMatching(/^18F0A1B2C3D0+$/),
      },
    });
  });

  it('URL-encodes keys as S3 does, so a decoded key is the key written', () => {
    const event = objectCreatedEvent(record('incoming/a b%/manifest.json'));
    expect(event.detail.object.key).toBe('incoming/a+b%25/manifest.json');
    expect(readManifestEvent(event.detail)).toMatchObject({ kind: 'ignored' });
  });

  it('names a completed multipart upload as S3 does', () => {
    expect(objectCreatedEvent(record('incoming/s/manifest.json', 'ObjectCreated:Post')).detail.reason).toBe(
      'CompleteMultipartUpload',
    );
  });

  it.each([
    ['incoming/study-1/manifest.json', BUCKET, true],
    ['incoming/a/b/manifest.json', BUCKET, true],
    ['incoming/study-1/clinical.json', BUCKET, false],
    ['incoming/manifest.json', BUCKET, false],
    ['work/study-1/manifest.json', BUCKET, false],
    ['incoming/study-1/manifest.json', 'sap-models', false],
  ])('the rule pattern incoming/*/manifest.json: %s in %s → %s', (key, bucket, matches) => {
    expect(matchesManifestRule(objectCreatedEvent(record(key, 'ObjectCreated:Put', bucket)), BUCKET)).toBe(
      matches,
    );
  });

  it('carries no version-id: s3rver keeps no versions, as S3 sends none for an unversioned bucket', () => {
    const event = objectCreatedEvent(record('incoming/study-1/manifest.json'));
    expect(event.detail.object).not.toHaveProperty('version-id');
  });
});

describe('SequencerClock: local sequencers order as S3 says to compare them', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
  const comparable = (sequencer: string) =>
    readManifestEvent({
      bucket: { name: BUCKET },
      object: { key: 'incoming/s/manifest.json', etag: 'e', sequencer },
    });
  const sequencerOf = (sequencer: string) => {
    const outcome = comparable(sequencer);
    return outcome.kind === 'manifest' ? outcome.arrival.sequencer! : '';
  };

  it('keeps one width, so a value that gains a digit still compares later once right-padded', () => {
    const clock = new SequencerClock();
    const first = clock.next('k', 'FFFFFFFFFFFFFFF');
    const second = clock.next('k', 'FFFFFFFFFFFFFFF');
    expect(second).toHaveLength(first.length);
    expect(sequencerOf(first) < sequencerOf(second)).toBe(true);
  });

  it('gives a later write of the same key a greater value within one millisecond', () => {
    const clock = new SequencerClock();
    const [a, b] = [clock.next('k', '1764990000000'), clock.next('k', '1764990000000')];
    expect(sequencerOf(a) < sequencerOf(b)).toBe(true);
  });
});
