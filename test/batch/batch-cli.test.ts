import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../core/batch/summary';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { itemLine, progressLine, progressReporter } from '../../local/batch/progress-bar';
import type { BatchProgress } from '../../local/batch/run-batch';
import { readBatchFolder } from '../../local/batch/study-folders';
import { EXIT } from '../../cli/main';
import { sap } from '../support/sap-cli';
import { writeStudy } from '../bad-inputs/study-builder';

let root: string;
let folder: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-batch-cli-'));
  folder = path.join(root, 'studies');
  const phantom = generatePhantom({
    dims: [128, 128, 24],
    spacing: [2, 2, 5],
    seed: 61,
    variant: 'oedematous',
  });
  await writeStudy(path.join(folder, 'one'), phantomStudyFiles(phantom, 'nifti'));
  await mkdir(path.join(folder, 'not a study id'));
  await mkdir(path.join(folder, '.hidden'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('sap batch', () => {
  it.each([
    [['batch'], /Usage: sap batch \[options\] \[command\]/],
    [['batch', 'frob'], /unknown command 'frob'/],
    [['batch', 'constructor'], /unknown command 'constructor'/],
    [['batch', 'run'], /missing required argument 'folder'/],
    [['batch', 'run', '/no/such/folder'], /is not a folder/],
    [['batch', 'run', '.', '--mode', 'fast'], /mode/],
    [['batch', 'run', '.', '--workers', '0'], /workers/],
    [['batch', 'run', '.', '--model-version', 'a/b'], /model version/],
    [['batch', 'run', '.', '--batch-id', 'no spaces'], /batch id/],
  ])('answers %j with the usage and exit code 2', async (argv, message) => {
    const { code, out, err } = await sap(...argv);
    expect(code).toBe(EXIT.usage);
    expect(out).toBe('');
    expect(err).toMatch(message);
  });

  it('lists the study folders by name; a name that cannot be a study id is a failed item', async () => {
    const listed = await readBatchFolder(folder);
    expect(listed.studies).toEqual([{ studyId: 'one', folder: path.join(folder, 'one') }]);
    expect(listed.refused).toEqual([
      expect.objectContaining({ item: 'not a study id', stage: 'BatchItem', code: 'INVALID_ITEM' }),
    ]);
  });

  it('runs a folder on the local stack, copies the outputs, and resumes without running the study again', async () => {
    const dataDir = path.join(root, 'data');
    const outDir = path.join(root, 'out');
    const common = ['batch', 'run', folder, '--mode', 'features', '--data-dir', dataDir, '--out', outDir];
    const first = await sap(...common, '--workers', '1', '--json');
    expect(first.code).toBe(EXIT.rejected);
    const summary = JSON.parse(first.out) as BatchSummary & { files: Record<string, string> };
    expect(summary).toMatchObject({
      mode: 'features',
      counts: { total: 2, COMPLETED: 1, FAILED: 1 },
      failures: { byCode: { INVALID_ITEM: 1 } },
      files: { features: path.join(outDir, 'features.csv'), summary: path.join(outDir, 'summary.json') },
    });
    const csv = await readFile(path.join(outDir, 'features.csv'), 'utf8');
    const [header, row, end] = csv.split('\r\n');
    expect(header).toMatch(/^studyId,manifestVersion,/);
    // Feature columns only (dl_probability is one): a features batch scores nothing.
    expect(header!.split(',')).not.toContain('probability');
    expect(row).toMatch(/^one,/);
    expect(end).toBe('');
    const written = JSON.parse(await readFile(path.join(outDir, 'summary.json'), 'utf8')) as object;
    expect({ ...written, files: summary.files }).toEqual(summary);

    const again = await sap(...common);
    expect(again.code).toBe(EXIT.rejected);
    expect(again.err).toContain('one: skipped (completed by an earlier run)');
    expect(again.out).toMatch(/1 completed, 1 failed\n {2}not a study id: BatchItem INVALID_ITEM/);

    const batchId = summary.batchId;
    const otherMode = await sap(...common, '--mode', 'score', '--batch-id', batchId);
    expect(otherMode.code).toBe(EXIT.usage);
    expect(otherMode.err).toContain(`batch ${batchId} was started with --mode features`);
    const noModel = await sap(...common, '--model-version', 'nope');
    expect(noModel.code).toBe(EXIT.usage);
    expect(noModel.err).toContain('no fusion model version nope');
  }, 120_000);
});

describe('batch progress', () => {
  const progress: BatchProgress = {
    total: 20,
    done: 7,
    completed: 5,
    failed: 1,
    skipped: 1,
    ended: {
      item: 's7',
      status: 'FAILED',
      code: 'INPUT_REJECTED',
      message: 'clinical.json: admission.age must be\n  at most 120 years',
    },
  };
  const failedLine =
    '[7/20] s7: FAILED INPUT_REJECTED: clinical.json: admission.age must be at most 120 years';

  it('draws the share done and the counts, and says how each item ended, a failure with its reason', () => {
    expect(progressLine(progress)).toBe(
      `[${'#'.repeat(11)}${'-'.repeat(19)}] 7/20  5 completed  1 failed  1 skipped`,
    );
    expect(itemLine(progress)).toBe(failedLine);
    expect(itemLine({ ...progress, ended: { item: 's7', status: 'FAILED', code: 'TRANSIENT' } })).toBe(
      '[7/20] s7: FAILED TRANSIENT',
    );
    expect(itemLine({ ...progress, ended: { item: 's1', status: 'SKIPPED' } })).toBe(
      '[7/20] s1: skipped (completed by an earlier run)',
    );
    expect(itemLine({ ...progress, ended: undefined })).toBeUndefined();
  });

  it('redraws one line on a terminal (a failure stays above it) and ends it; writes one line per item elsewhere', () => {
    const written: string[] = [];
    const tty = progressReporter({ isTTY: true, write: (t) => written.push(t) });
    tty.update(progress);
    const completed = { ...progress, done: 8, ended: { item: 's8', status: 'COMPLETED' as const } };
    tty.update(completed);
    tty.finish();
    tty.finish();
    expect(written).toEqual([
      `\r\x1b[K${failedLine}\n\r\x1b[K${progressLine(progress)}`,
      `\r\x1b[K${progressLine(completed)}`,
      '\n',
    ]);

    const lines: string[] = [];
    const plain = progressReporter({ isTTY: false, line: (t) => lines.push(t) });
    plain.update({ ...progress, ended: undefined });
    plain.update(progress);
    plain.finish();
    expect(lines).toEqual([failedLine]);
  });
});
