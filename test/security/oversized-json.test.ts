import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../core/input/limits';
import type { StudySource } from '../../core/ingest/study-source';
import { validateStudy } from '../../core/ingest/validate-study';

/** A study whose manifest.json and clinical.json are listed at `size` bytes; reading either is recorded. */
function listedAt(size: number): { source: StudySource; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    source: {
      list: async () => [
        { path: 'manifest.json', size },
        { path: 'clinical.json', size },
        { path: 'image/ct.nii.gz', size: 100 },
      ],
      read: async (path) => {
        reads.push(path);
        return new TextEncoder().encode('{}');
      },
    },
  };
}

describe('JSON documents larger than the limit are refused from their listed size', () => {
  it('refuses a 5 GiB manifest.json and clinical.json with FILE_TOO_LARGE without reading a byte of either', async () => {
    const { source, reads } = listedAt(5 * 1024 ** 3);
    const { report } = await validateStudy(source, 'huge-json');
    const tooLarge = report.errors.filter((e) => e.code === 'FILE_TOO_LARGE').map((e) => e.file);
    expect(tooLarge.sort()).toEqual(['clinical.json', 'manifest.json']);
    expect(reads).not.toContain('manifest.json');
    expect(reads).not.toContain('clinical.json');
  });

  it('still reads documents within the limit', async () => {
    const { source, reads } = listedAt(LIMITS.maxJsonBytes);
    await validateStudy(source, 'small-json');
    expect(reads).toEqual(expect.arrayContaining(['manifest.json', 'clinical.json']));
  });
});
