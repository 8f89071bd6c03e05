import { describe, expect, it } from 'vitest';
import { decodeEventKey, studyIdOfManifestKey, studyKeys, workKeys } from '../../core/study/keys';
import { IN_PROGRESS_STATUSES, oldestProgressAgeSeconds } from '../../core/study/progress-age';
import { PROGRESS, STUDY_STATUSES, canMove, statusesBefore, type StudyStatus } from '../../core/study/status';
import { executionNameFor, isStudyId } from '../../core/study/study-id';
import { LIMITS } from '../../core/input/limits';
import { planUpload, uploadRequestSchema } from '../../core/study/upload-plan';

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
    const first = workKeys({ studyId: 'x', manifestVersion: 'v1' });
    expect(first.volume).toMatch(/^work\/x\/v-[0-9a-f]{16}\/volume\.nii\.gz$/);
    expect(first.inferenceRequest).toBe(`${first.prefix}inference-request.json`);
    // A re-uploaded manifest gets its own prefix: two versions' artifacts never share a key.
    expect(workKeys({ studyId: 'x', manifestVersion: 'v2' }).prefix).not.toBe(first.prefix);
    expect(workKeys({ studyId: 'x', manifestVersion: 'v1' })).toEqual(first);
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
  const clinical = { path: 'clinical.json', size: 1834 };
  const image = (path: string, size = 1000) => ({ path, size });
  const plan = (files: unknown[], studyId = 's1') => {
    const parsed = uploadRequestSchema.safeParse({ files });
    if (!parsed.success) return { parsed: false as const };
    return { parsed: true as const, plan: planUpload(studyId, parsed.data) };
  };
  const codesOf = (files: unknown[]) => {
    const result = plan(files);
    if (!result.parsed) return 'unparsed';
    return result.plan.ok ? 'ok' : result.plan.issues.map((i) => i.code).join(',');
  };

  it('puts clinical.json first and the manifest last, whatever the listed order', () => {
    const result = plan([image('image/a.dcm'), clinical, image('image/series2/b.dcm', 7)]);
    expect(result.parsed && result.plan).toEqual({
      ok: true,
      uploads: [
        { path: 'clinical.json', key: 'incoming/s1/clinical.json', size: 1834 },
        { path: 'image/a.dcm', key: 'incoming/s1/image/a.dcm', size: 1000 },
        { path: 'image/series2/b.dcm', key: 'incoming/s1/image/series2/b.dcm', size: 7 },
        { path: 'manifest.json', key: 'incoming/s1/manifest.json' },
      ],
    });
  });

  it('keeps the manifest last even when an image is called manifest.json', () => {
    const result = plan([clinical, image('image/manifest.json')]);
    const keys = result.parsed && result.plan.ok ? result.plan.uploads.map((u) => u.key) : [];
    expect(keys.at(-1)).toBe('incoming/s1/manifest.json');
    expect(keys).toContain('incoming/s1/image/manifest.json');
  });

  it('accepts ordinary file names and an optional sha256', () => {
    const sha256 = 'AB'.repeat(32);
    expect(codesOf([clinical, { ...image('image/ct.nii.gz'), sha256 }])).toBe('ok');
    expect(codesOf([clinical, image('image/IM-0001-0001.dcm'), image('image/series_2.zip')])).toBe('ok');
    expect(codesOf([clinical, image(`image/${'a'.repeat(128)}`)])).toBe('ok');
  });

  it.each(['image/../x', '/abs', 'image/a\\b', 'image/.hidden', 'image/a b', 'other.txt', 'manifest.json'])(
    'refuses the path %j as the manifest would',
    (path) => expect(codesOf([clinical, image(path)])).toMatch(/^MANIFEST_INVALID(,MANIFEST_INVALID)*$/),
  );

  it('refuses a listing without clinical.json or an image, a duplicate, or an oversized file', () => {
    expect(codesOf([image('image/a.dcm')])).toBe('MANIFEST_INVALID');
    expect(codesOf([clinical])).toBe('MANIFEST_INVALID');
    expect(codesOf([clinical, image('image/a.dcm'), image('image/a.dcm')])).toBe('MANIFEST_INVALID');
    expect(codesOf([clinical, image('image/a.nii', LIMITS.maxFileBytes + 1)])).toBe('MANIFEST_INVALID');
  });

  it('refuses malformed entries, unknown fields and an invalid studyId', () => {
    expect(codesOf([clinical, { path: 'image/a.dcm' }])).toBe('unparsed');
    expect(codesOf([clinical, { ...image('image/a.dcm'), sha256: 'xyz' }])).toBe('unparsed');
    expect(codesOf([clinical, { ...image('image/a.dcm'), extra: 1 }])).toBe('unparsed');
    expect(uploadRequestSchema.safeParse({}).success).toBe(false);
    expect(uploadRequestSchema.safeParse({ studyId: 'a.b', files: [clinical] }).success).toBe(false);
    expect(uploadRequestSchema.safeParse({ studyId: 'abc', files: [clinical] }).success).toBe(true);
  });

  it('bounds the listing at clinical.json plus the largest series', () => {
    const series = (n: number) => [
      clinical,
      ...Array.from({ length: n }, (_, i) => image(`image/f${i}.dcm`)),
    ];
    expect(codesOf(series(LIMITS.maxFiles))).toBe('ok');
    expect(codesOf(series(LIMITS.maxFiles + 1))).toBe('unparsed');
  });
});
