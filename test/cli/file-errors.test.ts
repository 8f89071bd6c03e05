import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sap } from '../support/sap-cli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sap-file-errors-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a path the user gave that cannot be read', () => {
  it('is named, with why, as FILE_NOT_FOUND (exit 2), not an internal error', async () => {
    const missing = path.join(dir, 'no-such-ct.nii.gz');
    const { code, err } = await sap('radiomics', '--image', missing, '--mask', missing, '--json');
    expect(code).toBe(2);
    expect(JSON.parse(err)).toEqual({
      error: { code: 'FILE_NOT_FOUND', message: `cannot use ${missing}: no such file or folder` },
    });
  });

  it('says which part of the path is wrong', async () => {
    const file = path.join(dir, 'ct.nii.gz');
    await writeFile(file, 'not a folder');
    const below = path.join(file, 'mask.nii.gz');
    const { code, err } = await sap('radiomics', '--image', below, '--mask', below);
    expect(code).toBe(2);
    expect(err).toBe(`sap: cannot use ${below}: a part of the path is not a folder`);
  });
});
