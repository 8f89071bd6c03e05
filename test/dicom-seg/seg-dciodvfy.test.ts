/**
 * The SEG against the Segmentation IOD as David Clunie's dciodvfy (Debian's dicom3tools) checks it: every
 * module's required attributes, value representations and multiplicities. Skipped where dciodvfy is not
 * installed (`apt-get install dicom3tools`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DICOM_SAMPLES } from '../imaging/samples';
import { maskOf, normalisedSeries, segOf } from './seg-case';

const DCIODVFY = '/usr/bin/dciodvfy';
const installed = spawnSync(DCIODVFY, ['-'], { encoding: 'utf8' }).error === undefined;
if (!installed) console.warn(`${DCIODVFY} not found (apt-get install dicom3tools): IOD check skipped`);
const root = mkdtempSync(path.join(tmpdir(), 'sap-dciodvfy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!installed)('DICOM SEG checked by dciodvfy', () => {
  it('is a valid Segmentation, without error or warning, for a real CT series', () => {
    const folder = new URL('pydicom_ct_series_CT5N/', DICOM_SAMPLES);
    const files = readdirSync(folder).map((name) => ({
      name,
      bytes: new Uint8Array(readFileSync(new URL(name, folder))),
    }));
    const { volume, source } = normalisedSeries(files);
    const file = path.join(root, 'seg.dcm');
    writeFileSync(
      file,
      segOf(
        maskOf(volume, (i, j, k) => i < j + k),
        source,
      ),
    );
    const checked = spawnSync(DCIODVFY, [file], { encoding: 'utf8' });
    const report = `${checked.stdout}${checked.stderr}`;
    expect(report).toMatch(/^Segmentation$/m);
    expect(report.split('\n').filter((line) => /^(Error|Warning)/.test(line))).toEqual([]);
  });
});
