import { describe, expect, it } from 'vitest';
import { decodeEventKey, studyIdOfManifestKey, studyKeys } from '../../core/study/keys';
import { IN_PROGRESS_STATUSES, oldestProgressAgeSeconds } from '../../core/study/progress-age';
import { PROGRESS, STUDY_STATUSES, canMove, statusesBefore, type StudyStatus } from '../../core/study/status';
import { executionNameFor, isStudyId } from '../../core/study/study-id';
import { LIMITS } from '../../core/ingest/limits';
import { uploadKeys, uploadRequestSchema } from '../../core/study/upload-plan';

const ID_64 = 'a'.repeat(64);

describe('isStudyId', () => {
  it('accepts 1 to 64 characters of [A-Za-z0-9_-]', () => {
    expect(isStudyId('a')).toBe(true);
    expect(isStudyId('Study_01-B')).toBe(true);
    expect(isStudyId(ID_64)).toBe(true);
  });

  it('rejects the empty string and 65 characters', () => {
    expect(isStudyId('')).toBe(false);
    expect(isStudyId('a'.repeat(65))).toBe(false);
  });

  it.each(['a b', 'a/b', 'a.b', '../a', 'a+b', 'a%2Fb', 'é', 'a\n', ' a', 'a:b', 'inference#x'])(
    'rejects %j',
    (id) => expect(isStudyId(id)).toBe(false),
  );
});

describe('executionNameFor', () => {
  it('is deterministic', () => {
    expect(executionNameFor('s1', 'v1')).toBe(executionNameFor('s1', 'v1'));
  });

  it('fits the 80-character limit with a 64-character id and a 32-character version id', () => {
    const name = executionNameFor(ID_64, 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e');
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name.startsWith(`${ID_64}-`)).toBe(true);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('differs per manifest version and per study', () => {
    const names = new Set([
      executionNameFor('s1', 'v1'),
      executionNameFor('s1', 'v2'),
      executionNameFor('s2', 'v1'),
      executionNameFor(ID_64, 'v1'),
      executionNameFor(ID_64, 'v2'),
    ]);
    expect(names.size).toBe(5);
  });

  it('only uses [A-Za-z0-9_-] whatever the version looks like', () => {
    for (const version of ['"etag/with+odd chars"', 'null', '', 'x'.repeat(500)]) {
      expect(executionNameFor('s-1_x', version)).toMatch(/^s-1_x-[A-Za-z0-9_-]+$/);
    }
  });

  it('throws on an invalid study id', () => {
    expect(() => executionNameFor('a/b', 'v1')).toThrow(/invalid study id/);
    expect(() => executionNameFor('a'.repeat(65), 'v1')).toThrow(/invalid study id/);
    expect(() => executionNameFor('', 'v1')).toThrow(/invalid study id/);
  });
});

describe('keys', () => {
  it('decodes S3 event keys: + is a space, %2F a slash', () => {
    expect(decodeEventKey('incoming/abc/image/my+scan.dcm')).toBe('incoming/abc/image/my scan.dcm');
    expect(decodeEventKey('incoming%2Fabc%2Fmanifest.json')).toBe('incoming/abc/manifest.json');
    expect(decodeEventKey('a%2Bb')).toBe('a+b');
    expect(decodeEventKey('plain/key.json')).toBe('plain/key.json');
  });

  it('finds the study id of a manifest key', () => {
    expect(studyIdOfManifestKey('incoming/abc_1-2/manifest.json')).toBe('abc_1-2');
    expect(studyIdOfManifestKey(`incoming/${ID_64}/manifest.json`)).toBe(ID_64);
  });

  it.each([
    'incoming/abc/clinical.json',
    'incoming/abc/image/manifest.json',
    'incoming/abc/def/manifest.json',
    'incoming/manifest.json',
    'incoming//manifest.json',
    'work/abc/manifest.json',
    '/incoming/abc/manifest.json',
    'incoming/abc/manifest.json.bak',
    'incoming/abc/xmanifest.json',
    'incoming/a b/manifest.json',
    'incoming/a.b/manifest.json',
    `incoming/${'a'.repeat(65)}/manifest.json`,
  ])('ignores %s', (key) => expect(studyIdOfManifestKey(key)).toBeUndefined());

  it('lays out the artifacts of the architecture', () => {
    expect(studyKeys.manifest('x')).toBe('incoming/x/manifest.json');
    expect(studyKeys.volume('x')).toBe('work/x/volume.nii.gz');
    expect(studyKeys.inferenceRequest('x')).toBe('work/x/inference-request.json');
    expect(studyKeys.rejection('x')).toBe('rejected/x/reason.json');
    expect(studyKeys.explanation('x')).toBe('results/x/explanation.svg');
  });
});

describe('status transitions', () => {
  const inProgress = PROGRESS.filter((s) => s !== 'COMPLETED');

  it('never moves backwards', () => {
    PROGRESS.forEach((to, j) => {
      PROGRESS.forEach((from, i) => {
        if (i > j) expect(canMove(from, to), `${from} → ${to}`).toBe(false);
      });
    });
  });

  it('moves forwards, skipping stages too', () => {
    expect(canMove('RECEIVED', 'VALIDATING')).toBe(true);
    expect(canMove('VALIDATING', 'INFERRING')).toBe(true);
    expect(canMove('SCORING', 'COMPLETED')).toBe(true);
    expect(canMove('RECEIVED', 'SCORING')).toBe(true);
  });

  it('allows the same status again, so that a retried step is idempotent', () => {
    for (const status of STUDY_STATUSES) expect(canMove(status, status), status).toBe(true);
  });

  it('keeps COMPLETED final', () => {
    for (const to of STUDY_STATUSES.filter((s) => s !== 'COMPLETED')) {
      expect(canMove('COMPLETED', to), `COMPLETED → ${to}`).toBe(false);
    }
  });

  it('reaches FAILED from every in-progress state and from FAILED, never from COMPLETED', () => {
    for (const from of inProgress) expect(canMove(from, 'FAILED'), from).toBe(true);
    expect(canMove('FAILED', 'FAILED')).toBe(true);
    expect(canMove('COMPLETED', 'FAILED')).toBe(false);
    expect(statusesBefore('FAILED').sort()).toEqual([...inProgress, 'FAILED'].sort());
  });

  it('never leaves FAILED for a progress state', () => {
    for (const to of PROGRESS) expect(canMove('FAILED', to), `FAILED → ${to}`).toBe(false);
  });

  it('lists exactly the statuses before a progress status, itself included', () => {
    expect(statusesBefore('RECEIVED')).toEqual(['RECEIVED']);
    expect(statusesBefore('INFERRING')).toEqual(['RECEIVED', 'VALIDATING', 'INFERRING']);
    expect(statusesBefore('COMPLETED')).toEqual([...PROGRESS]);
  });

  it('lets a new study start only as RECEIVED', () => {
    for (const to of STUDY_STATUSES) expect(canMove(undefined, to), to).toBe(to === 'RECEIVED');
  });
});

describe('progress age', () => {
  const now = new Date('2025-03-01T12:00:00.000Z');

  it('counts every status but the final ones as in progress', () => {
    expect(IN_PROGRESS_STATUSES).toEqual<StudyStatus[]>([
      'RECEIVED',
      'VALIDATING',
      'INFERRING',
      'EXTRACTING',
      'SCORING',
    ]);
  });

  it('is 0 when nothing is in progress', () => {
    expect(oldestProgressAgeSeconds([], now)).toBe(0);
  });

  it('is the age of the oldest change, in whole seconds', () => {
    const ages = ['2025-03-01T11:59:30.000Z', '2025-03-01T11:00:00.000Z', '2025-03-01T11:58:59.600Z'];
    expect(oldestProgressAgeSeconds(ages, now)).toBe(3600);
    expect(oldestProgressAgeSeconds(['2025-03-01T11:58:59.600Z'], now)).toBe(60);
  });

  it('skips unreadable timestamps and never goes negative', () => {
    expect(oldestProgressAgeSeconds(['not a date', '2025-03-01T11:59:00.000Z'], now)).toBe(60);
    expect(oldestProgressAgeSeconds(['not a date'], now)).toBe(0);
    expect(oldestProgressAgeSeconds(['2025-03-01T12:05:00.000Z'], now)).toBe(0);
  });
});

describe('upload plan', () => {
  const valid = (imageFiles: unknown) => uploadRequestSchema.safeParse({ imageFiles }).success;

  it('puts clinical.json first and the manifest last', () => {
    const keys = uploadKeys('s1', { imageFiles: ['a.dcm', 'b.dcm'] });
    expect(keys).toEqual([
      'incoming/s1/clinical.json',
      'incoming/s1/image/a.dcm',
      'incoming/s1/image/b.dcm',
      'incoming/s1/manifest.json',
    ]);
  });

  it('keeps the manifest last even when an image is called manifest.json', () => {
    const keys = uploadKeys('s1', { imageFiles: ['manifest.json'] });
    expect(keys.at(-1)).toBe('incoming/s1/manifest.json');
    expect(keys).toContain('incoming/s1/image/manifest.json');
  });

  it('accepts ordinary file names', () => {
    expect(valid(['ct.nii.gz'])).toBe(true);
    expect(valid(['IM-0001-0001.dcm', 'series_2.zip'])).toBe(true);
    expect(valid(['a'.repeat(128)])).toBe(true);
  });

  it.each([['../x'], ['/abs'], ['a/b'], ['a\\b'], ['..'], ['.hidden'], [''], ['a b'], ['a'.repeat(129)]])(
    'rejects the name %j',
    (name) => expect(valid([name])).toBe(false),
  );

  it('rejects an empty list, a missing list and too many files', () => {
    expect(valid([])).toBe(false);
    expect(uploadRequestSchema.safeParse({}).success).toBe(false);
    expect(valid(Array.from({ length: LIMITS.maxFiles + 1 }, (_, i) => `f${i}.dcm`))).toBe(false);
    expect(valid(Array.from({ length: LIMITS.maxFiles }, (_, i) => `f${i}.dcm`))).toBe(true);
  });
});
