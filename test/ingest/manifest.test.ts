import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonDocument } from '../../core/ingest/json-document';
import { LIMITS } from '../../core/input/limits';
import {
  checkManifest,
  checksumIssue,
  sha256Hex,
  unsafePathReason,
  verifyChecksum,
  type ManifestEntry,
  type PresentFile,
} from '../../core/ingest/manifest';

const FIXTURES = new URL('../fixtures/ingest/manifest/', import.meta.url);
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as { present: PresentFile[]; manifest: unknown };

const CLINICAL = { path: 'clinical.json', size: 1834 };
const VOLUME = { path: 'image/ct.nii.gz', size: 41_820_388 };
const manifestOf = (files: unknown[], rest: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  files,
  ...rest,
});
const check = (files: unknown[], present: PresentFile[] = [CLINICAL, VOLUME], rest = {}) =>
  checkManifest(manifestOf(files, rest), present);
const summary = (issues: { code: string; field?: string }[]) =>
  issues.map((issue) => [issue.code, issue.field]);

describe('checkManifest', () => {
  it('accepts a manifest that matches the upload and lower-cases its checksums', () => {
    const { manifest, present } = fixture('valid.json');
    const result = checkManifest(manifest, present, 'manifest.json', { studyId: 'sooch-2024-0117' });
    expect(result.issues).toEqual([]);
    expect(result.unlisted).toEqual([]);
    expect(result.manifest?.files).toHaveLength(2);
    const upper = check([CLINICAL, { ...VOLUME, sha256: 'AB'.repeat(32) }]);
    expect(upper.manifest?.files[1]?.sha256).toBe('ab'.repeat(32));
  });

  it.each([
    [null, undefined, /expected object/],
    [{ files: [] }, 'schemaVersion', /expected 1/],
    [{ schemaVersion: 1, files: 'clinical.json' }, 'files', /expected array/],
    [manifestOf([{ path: 'clinical.json', size: -1 }]), 'files[0].size', /negative/],
    [manifestOf([{ path: 'clinical.json', size: 1.5 }]), 'files[0].size', /whole number/],
    [manifestOf([{ path: 'clinical.json', size: '1834' }]), 'files[0].size', /expected number/],
    [manifestOf([{ path: 'clinical.json', size: 1, sha256: 'abc' }]), 'files[0].sha256', /64 hexadecimal/],
    [manifestOf([{ path: 'clinical.json', size: 1, md5: 'x' }]), 'files[0]', /unknown field\(s\) "md5"/],
    [manifestOf([], { patientName: 'x' }), undefined, /unknown field\(s\) "patientName"/],
    [manifestOf([], { studyId: 'a/b' }), 'studyId', /\[A-Za-z0-9_-\]/],
    [manifestOf([], { image: { seriesInstanceUid: '1.2.abc' } }), 'image.seriesInstanceUid', /DICOM UID/],
  ])('MANIFEST_INVALID for a malformed manifest %#', (json, field, message) => {
    const { issues, manifest } = checkManifest(json, [CLINICAL]);
    expect(manifest).toBeUndefined();
    expect(issues).toContainEqual({
      code: 'MANIFEST_INVALID',
      file: 'manifest.json',
      field,
      message: expect.stringMatching(message),
    });
  });

  it.each([
    ['../other-study/clinical.json', /"\." and "\.\."/],
    ['image/../../x.dcm', /"\." and "\.\."/],
    ['image/./x.dcm', /"\." and "\.\."/],
    ['/etc/passwd', /absolute/],
    ['C:/scans/x.dcm', /absolute/],
    ['image\\IM0001.dcm', /use "\/"/],
    ['notes.txt', /"clinical.json" or "image\/<file>"/],
    ['image', /"clinical.json" or "image\/<file>"/],
    ['image/', /segment ""/],
    ['image/.DS_Store', /segment ".DS_Store"/],
    ['image/scan 1.dcm', /segment "scan 1.dcm"/],
    ['manifest.json', /does not list itself/],
    [`image/${'a/'.repeat(460)}x`, /longer than/],
  ])('MANIFEST_INVALID for the unsafe path %j', (path, reason) => {
    expect(unsafePathReason(path)).toMatch(reason);
    const { issues } = check([CLINICAL, VOLUME, { path, size: 10 }]);
    expect(summary(issues)).toEqual([['MANIFEST_INVALID', 'files[2].path']]);
  });

  it.each(['clinical.json', 'image/ct.nii.gz', 'image/series-1/IM_0001.dcm', 'image/scan.zip'])(
    'accepts %j',
    (path) => expect(unsafePathReason(path)).toBeUndefined(),
  );

  it('reports duplicates, a missing clinical.json and a missing image', () => {
    expect(summary(check([VOLUME, VOLUME]).issues)).toEqual([
      ['MANIFEST_INVALID', 'files[1].path'],
      ['MANIFEST_INVALID', 'files'],
    ]);
    expect(check([VOLUME, VOLUME]).issues[0]?.message).toMatch(/listed twice \(also files\[0\]\)/);
    expect(check([CLINICAL]).issues).toEqual([
      expect.objectContaining({
        code: 'MANIFEST_INVALID',
        field: 'files',
        message: 'no image/ file is listed',
      }),
    ]);
  });

  it('enforces the file-count, file-size and study-size limits', () => {
    const series = Array.from({ length: LIMITS.maxFiles + 1 }, (_, i) => ({
      path: `image/${i}.dcm`,
      size: 1,
    }));
    const many = check([CLINICAL, ...series], [CLINICAL, ...series]);
    expect(many.issues).toEqual([
      expect.objectContaining({
        code: 'MANIFEST_INVALID',
        message: expect.stringMatching(`${LIMITS.maxFiles + 1} image files`),
      }),
    ]);
    expect(check([CLINICAL, ...series.slice(1)], [CLINICAL, ...series.slice(1)]).issues).toEqual([]);

    const huge = { path: 'image/a.nii', size: LIMITS.maxFileBytes + 1 };
    expect(summary(check([CLINICAL, huge], [CLINICAL, huge]).issues)).toEqual([
      ['MANIFEST_INVALID', 'files[1].size'],
    ]);
    const bigJson = { path: 'clinical.json', size: LIMITS.maxJsonBytes + 1 };
    expect(summary(check([bigJson, VOLUME], [bigJson, VOLUME]).issues)).toEqual([
      ['MANIFEST_INVALID', 'files[0].size'],
    ]);

    const parts = [1, 2, 3].map((i) => ({ path: `image/part${i}.zip`, size: LIMITS.maxFileBytes * 0.75 }));
    const total = check([CLINICAL, ...parts], [CLINICAL, ...parts]).issues;
    expect(total).toEqual([
      expect.objectContaining({
        code: 'MANIFEST_INVALID',
        message: expect.stringMatching(/may be at most 4294967296/),
      }),
    ]);
  });

  it('reports every listed file that is not present, and every size that differs', () => {
    const missing = fixture('MANIFEST_FILE_MISSING.json');
    expect(checkManifest(missing.manifest, missing.present).issues).toEqual([
      {
        code: 'MANIFEST_FILE_MISSING',
        file: 'image/IM0002.dcm',
        field: 'files[2]',
        message: 'listed in the manifest but not uploaded',
      },
      {
        code: 'MANIFEST_FILE_MISSING',
        file: 'image/IM0003.dcm',
        field: 'files[3]',
        message: 'listed in the manifest but not uploaded',
      },
    ]);
    const sizes = fixture('MANIFEST_SIZE_MISMATCH.json');
    expect(checkManifest(sizes.manifest, sizes.present).issues).toEqual([
      {
        code: 'MANIFEST_SIZE_MISMATCH',
        file: 'image/series.zip',
        field: 'files[1].size',
        message: expect.stringMatching(/lists 94371840 bytes, the upload has 18874368/),
      },
    ]);
  });

  it('reports present files that are not listed as a warning, not an issue', () => {
    const present = [
      CLINICAL,
      VOLUME,
      { path: 'image/old.nii.gz', size: 5 },
      { path: 'manifest.json', size: 300 },
    ];
    const result = check([CLINICAL, VOLUME], present);
    expect(result.issues).toEqual([]);
    expect(result.unlisted).toEqual(['image/old.nii.gz']);
  });

  it("checks the manifest's studyId against the study's", () => {
    const result = checkManifest(
      manifestOf([CLINICAL, VOLUME], { studyId: 's2' }),
      [CLINICAL, VOLUME],
      'm.json',
      {
        studyId: 's1',
      },
    );
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'MANIFEST_INVALID', file: 'm.json', field: 'studyId' }),
    ]);
  });

  it('collects every issue at once', () => {
    const files = [
      { path: '../x', size: 1 },
      { ...VOLUME, size: 5 },
      { path: 'image/gone.dcm', size: 9 },
    ];
    expect(summary(check(files, [CLINICAL, VOLUME, { path: 'image/extra.dcm', size: 1 }]).issues)).toEqual([
      ['MANIFEST_INVALID', 'files[0].path'],
      ['MANIFEST_INVALID', 'files'],
      ['MANIFEST_SIZE_MISMATCH', 'files[1].size'],
      ['MANIFEST_FILE_MISSING', 'files[2]'],
    ]);
  });

  it.each(readdirSync(FIXTURES).filter((name) => name.endsWith('.json')))(
    'fixture %s yields only its code',
    (name) => {
      const { manifest, present } = fixture(name);
      const issues = checkManifest(manifest, present).issues;
      const code = name.split('.')[0];
      if (code === 'valid') expect(issues).toEqual([]);
      else expect(new Set(issues.map((issue) => issue.code))).toEqual(new Set([code]));
    },
  );
});

describe('checksums', () => {
  const bytes = new TextEncoder().encode('pancreas');
  const hex = createHash('sha256').update(bytes).digest('hex');
  const entry = (sha256?: string): ManifestEntry => ({ path: 'image/ct.nii.gz', size: bytes.length, sha256 });

  it('hashes bytes and streams alike', async () => {
    expect(await sha256Hex(bytes)).toBe(hex);
    async function* chunks() {
      yield bytes.subarray(0, 3);
      yield bytes.subarray(3);
    }
    expect(await sha256Hex(chunks())).toBe(hex);
  });

  it('passes a matching checksum and one not listed', async () => {
    expect(await verifyChecksum(entry(hex), bytes)).toBeUndefined();
    expect(await verifyChecksum(entry(), bytes)).toBeUndefined();
    expect(checksumIssue(entry(hex), hex.toUpperCase())).toBeUndefined();
  });

  it('reports MANIFEST_CHECKSUM_MISMATCH for other bytes', async () => {
    const issue = await verifyChecksum(entry(hex), new TextEncoder().encode('pancreaS'));
    expect(issue).toEqual({
      code: 'MANIFEST_CHECKSUM_MISMATCH',
      file: 'image/ct.nii.gz',
      message: expect.stringMatching(`the manifest lists ${hex}`),
    });
  });
});

describe('parseJsonDocument', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('reads JSON, with or without a byte-order mark', () => {
    expect(parseJsonDocument(bytes('{"a":1}'), 'clinical.json')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonDocument(bytes('\uFEFF{"a":1}'), 'clinical.json')).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    [bytes(''), 'FILE_EMPTY'],
    [new Uint8Array(LIMITS.maxJsonBytes + 1).fill(0x20), 'FILE_TOO_LARGE'],
    [bytes('{"a":1,}'), 'JSON_INVALID'],
    [new Uint8Array([0x7b, 0xff, 0x7d]), 'JSON_INVALID'],
  ])('rejects %#: %s', (input, code) => {
    const result = parseJsonDocument(input, 'manifest.json');
    expect(result).toEqual({ ok: false, issues: [expect.objectContaining({ code, file: 'manifest.json' })] });
  });
});
