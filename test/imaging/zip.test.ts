import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDicomSeries } from '../../core/imaging/dicom';
import type { ReadZipOptions } from '../../core/imaging/zip';
import { readZip } from '../../core/imaging/zip';
import type { ValidationIssue } from '../../core/input/issues';
import { InputRejected } from '../../core/input/issues';
import { makeZip } from '../support/zip-writer';
import { DICOM_SAMPLES } from './samples';

async function issuesOf(bytes: Uint8Array, options?: ReadZipOptions): Promise<ValidationIssue[]> {
  try {
    await readZip(bytes, { name: 'image/study.zip', ...options });
  } catch (error) {
    if (error instanceof InputRejected) return error.issues;
    throw error;
  }
  throw new Error('expected InputRejected');
}

const text = (s: string) => new TextEncoder().encode(s);

describe('zip', () => {
  it('returns the files with their bytes, skipping folders, __MACOSX and dotfiles', async () => {
    const zip = makeZip([
      { name: 'series/' },
      { name: 'series/a.dcm', data: text('first file '.repeat(50)) },
      { name: 'series/b.dcm', data: text('stored'), method: 0 },
      { name: '__MACOSX/series/._a.dcm', data: text('resource fork') },
      { name: '.DS_Store', data: text('finder') },
      { name: 'series/.hidden/c.dcm', data: text('hidden') },
    ]);
    const files = await readZip(zip);
    expect(files.map((f) => [f.name, new TextDecoder().decode(f.bytes)])).toEqual([
      ['series/a.dcm', 'first file '.repeat(50)],
      ['series/b.dcm', 'stored'],
    ]);
  });

  it('carries a DICOM series through intact', async () => {
    const dir = new URL('pydicom_ct_series_CT5N/', DICOM_SAMPLES);
    const originals = readdirSync(dir).map((name) => ({
      name: `CT5N/${name}`,
      bytes: readFileSync(new URL(name, dir)),
    }));
    const files = await readZip(makeZip(originals.map((f) => ({ name: f.name, data: f.bytes }))));
    expect(readDicomSeries(files).volume.data).toEqual(readDicomSeries(originals).volume.data);
  });

  it('names every entry with an absolute or parent-directory path', async () => {
    const names = ['../evil.dcm', '/abs.dcm', 'C:/windows.dcm', 'a/..\\..\\b.dcm', 'ok.dcm'];
    const issues = await issuesOf(makeZip(names.map((name) => ({ name, data: text('x') }))));
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ['ZIP_UNSAFE_PATH', '../evil.dcm'],
      ['ZIP_UNSAFE_PATH', '/abs.dcm'],
      ['ZIP_UNSAFE_PATH', 'C:/windows.dcm'],
      ['ZIP_UNSAFE_PATH', 'a/../../b.dcm'],
    ]);
    expect(issues[0]).toMatchObject({
      file: 'image/study.zip',
      message: expect.stringContaining('../evil.dcm'),
    });
  });

  it('stops an entry that inflates past its declared size (a zip bomb)', async () => {
    const bomb = makeZip([{ name: 'bomb.dcm', data: new Uint8Array(4 * 1024 * 1024), declaredSize: 1000 }]);
    expect(bomb.length).toBeLessThan(10_000);
    const [issue] = await issuesOf(bomb);
    expect(issue).toMatchObject({ code: 'ZIP_TOO_LARGE', field: 'bomb.dcm' });
  });

  it('refuses a declared total over the limit before inflating anything', async () => {
    // The data is not even valid deflate: had it been inflated, the answer would be ZIP_CORRUPT.
    const zip = makeZip([
      { name: 'a.dcm', data: text('x'), declaredSize: 600, crc: 1 },
      { name: 'b.dcm', data: text('y'), declaredSize: 600, crc: 1 },
    ]);
    const issues = await issuesOf(zip, { limits: { maxZipUncompressedBytes: 1000 } });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'ZIP_TOO_LARGE', message: expect.stringMatching(/1200/) }),
    ]);
  });

  it('refuses more files than the limit, not counting skipped entries', async () => {
    const entries = (n: number) =>
      Array.from({ length: n }, (_, k) => ({ name: `f${k}.dcm`, data: text(`${k}`) }));
    const limits = { maxFiles: 3 };
    expect((await issuesOf(makeZip(entries(4)), { limits })).map((i) => i.code)).toEqual(['TOO_MANY_FILES']);
    const withForks = [...entries(3), ...entries(3).map((e) => ({ ...e, name: `__MACOSX/._${e.name}` }))];
    expect(await readZip(makeZip(withForks), { limits })).toHaveLength(3);
  });

  it('reports damaged archives as ZIP_CORRUPT', async () => {
    const good = makeZip([{ name: 'a.dcm', data: text('some content '.repeat(20)) }]);
    const flipped = good.slice();
    flipped[40] = flipped[40]! ^ 0xff; // inside the deflated data
    const cases: [string, Uint8Array][] = [
      ['not a zip', text('this is not a zip archive at all, just text')],
      ['cut short', good.subarray(0, good.length - 30)],
      ['damaged data', flipped],
      ['wrong CRC', makeZip([{ name: 'a.dcm', data: text('abc'), crc: 12345 }])],
      ['shorter than declared', makeZip([{ name: 'a.dcm', data: text('abc'), declaredSize: 10 }])],
      ['stored size mismatch', makeZip([{ name: 'a.dcm', data: text('abc'), method: 0, declaredSize: 10 }])],
    ];
    for (const [label, bytes] of cases) {
      const issues = await issuesOf(bytes);
      expect([label, issues.map((i) => i.code)]).toEqual([label, ['ZIP_CORRUPT']]);
    }
  });
});
