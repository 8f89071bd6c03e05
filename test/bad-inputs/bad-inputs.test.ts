import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSource } from '../../core/ingest/folder-source';
import { validateStudy } from '../../core/ingest/validate-study';
import { BAD_INPUTS, manyTinyFiles } from './corpus';
import { writeStudy, type StudyFiles } from './study-builder';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-bad-inputs-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function fingerprint(folder: string, files: StudyFiles): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.keys(files).map(async (f) => [
      f,
      createHash('sha256')
        .update(await readFile(path.join(folder, f)))
        .digest('hex'),
    ]),
  );
  return Object.fromEntries(entries);
}

async function rejectionOf(name: string, files: StudyFiles) {
  const folder = path.join(root, name);
  await writeStudy(folder, files);
  const before = await fingerprint(folder, files);
  const result = await validateStudy(folderSource(folder));
  expect(await fingerprint(folder, files), 'the originals are untouched').toEqual(before);
  return result;
}

describe('bad-input corpus: every case is rejected with its code, without crashing', () => {
  it('has at least 30 cases with distinct names', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(BAD_INPUTS.map((c) => c.name)).size).toBe(BAD_INPUTS.length);
  });

  it.each(BAD_INPUTS.map((c) => [c.name, c] as const))('%s', async (name, badInput) => {
    const { report, volume, clinical } = await rejectionOf(name, badInput.build());
    expect(report.ok).toBe(false);
    expect(volume).toBeUndefined();
    expect(clinical).toBeUndefined();
    expect(report.errors.map((e) => e.code)).toContain(badInput.expect);
    for (const issue of report.errors) expect(issue.message.length, issue.code).toBeGreaterThan(10);
  });

  it('5,000 tiny files are refused as too many before any is read', async () => {
    const { report } = await rejectionOf('many-tiny-files', manyTinyFiles());
    expect(report.errors.map((e) => e.code)).toContain('TOO_MANY_FILES');
  });
});
