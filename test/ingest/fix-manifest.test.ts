import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { sap } from '../support/sap-cli';
import { refreshedManifest } from '../../core/ingest/manifest';
import { cohortStudy, phantomStudyFiles } from '../../core/phantom';

const files = phantomStudyFiles(cohortStudy(2, [128, 128, 16]).phantom, 'nifti', 'fix-me');
let folder: string;
beforeEach(async () => {
  folder = path.join(await mkdtemp(path.join(tmpdir(), 'sap-fix-manifest-')), 'study');
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, name)), { recursive: true });
    await writeFile(path.join(folder, name), bytes);
  }
});
const manifest = async () =>
  JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as Record<string, unknown>;

describe('sap validate --fix-manifest', () => {
  it('says how to fix a manifest that an edited clinical.json left behind, and the flag fixes it', async () => {
    const clinical = JSON.parse(await readFile(path.join(folder, 'clinical.json'), 'utf8')) as {
      admission: Record<string, unknown>;
    };
    clinical.admission.age = 71;
    await writeFile(path.join(folder, 'clinical.json'), JSON.stringify(clinical, null, 1));

    const stale = await sap('validate', folder);
    expect(stale.code).toBe(1);
    expect(stale.out).toMatch(/MANIFEST_(SIZE|CHECKSUM)_MISMATCH/);
    expect(stale.err).toContain(
      `the manifest no longer matches the files: \`sap validate --fix-manifest ${folder}\``,
    );

    const fixed = await sap('validate', '--fix-manifest', folder);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(/^accepted/);
    expect(fixed.err).toContain(`wrote ${path.join(folder, 'manifest.json')} from the files present`);
    const written = await manifest();
    expect(written.studyId).toBe('fix-me');
    expect(written.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'clinical.json',
          size: Buffer.byteLength(JSON.stringify(clinical, null, 1)),
        }),
      ]),
    );
    expect((await sap('validate', folder)).code).toBe(0);
  });

  it('writes a manifest where there was none, and refuses loose image files it cannot list where they are', async () => {
    await rename(path.join(folder, 'manifest.json'), path.join(folder, '..', 'old.json'));
    const missing = await sap('validate', folder);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('--fix-manifest');
    expect((await sap('validate', '--fix-manifest', folder)).code).toBe(0);

    await rename(path.join(folder, 'image'), path.join(folder, '..', 'image-away'));
    await rename(path.join(folder, '..', 'image-away', 'ct.nii.gz'), path.join(folder, 'ct.nii.gz'));
    const loose = await sap('validate', '--fix-manifest', folder);
    expect(loose.code).toBe(1);
    expect(loose.err).toMatch(/move the image files under image\/ first \(ct\.nii\.gz is not\)/);
  });
});

describe('refreshedManifest', () => {
  const entry = { path: 'clinical.json', size: 3, sha256: 'a'.repeat(64) };
  it("keeps the previous manifest's study id and series selection where each is valid", () => {
    const image = { seriesInstanceUid: '1.2.3' };
    expect(refreshedManifest([entry], { studyId: 's1', image, files: 'broken' })).toEqual({
      schemaVersion: 1,
      studyId: 's1',
      files: [entry],
      image,
    });
    expect(refreshedManifest([entry], { studyId: 'not valid!', image: { seriesInstanceUid: 'x' } })).toEqual({
      schemaVersion: 1,
      files: [entry],
    });
    expect(refreshedManifest([entry], undefined)).toEqual({ schemaVersion: 1, files: [entry] });
  });
});
