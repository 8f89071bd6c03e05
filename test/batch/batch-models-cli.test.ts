import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../core/batch/summary';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { EXIT } from '../../cli/main';
import { sap } from '../support/sap-cli';
import { REPO_ROOT } from '../../local/stack/paths';
import { writeStudy } from '../bad-inputs/study-builder';

/**
 * `sap batch run --models DIR` and `--model-version V` with V in the local models bucket (issue #19,
 * items 1, 11, 15): a site's fusion model alone is published (the image models come from the demo, with a
 * notice), scores a batch, and a later batch rescores with that existing version; changed bytes under the
 * same version are refused; a rejected study's reason is printed.
 */

const DEMO = path.join(REPO_ROOT, 'models', 'demo');
const VERSION = 'site-1';

let root: string;
let studies: string;
let dataDir: string;
/** A folder with a fusion model only: the demo's model file under a card of its own. */
let siteModel: string;

async function fusionOnlyFolder(folder: string, card: Record<string, unknown>): Promise<string> {
  await mkdir(folder, { recursive: true });
  await copyFile(path.join(DEMO, 'model.ubj'), path.join(folder, 'model.ubj'));
  await writeFile(path.join(folder, 'model-card.json'), JSON.stringify(card, null, 2));
  return folder;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sap-batch-models-'));
  studies = path.join(root, 'studies');
  dataDir = path.join(root, 'data');
  const phantom = generatePhantom({
    dims: [128, 128, 24],
    spacing: [2, 2, 5],
    seed: 62,
    variant: 'oedematous',
  });
  await writeStudy(path.join(studies, 'good'), phantomStudyFiles(phantom, 'nifti'));
  const tooOld = { ...phantom.clinical, admission: { ...phantom.clinical.admission, age: 250 } };
  const rejected = phantomStudyFiles({ ...phantom, clinical: tooOld }, 'nifti');
  await writeStudy(path.join(studies, 'too-old'), rejected);
  const demoCard = JSON.parse(await readFile(path.join(DEMO, 'model-card.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  siteModel = await fusionOnlyFolder(path.join(root, 'site-model'), {
    ...demoCard,
    name: 'site-model',
    version: VERSION,
    syntheticDemo: false,
  });
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('sap batch run with a model folder and an existing model version', () => {
  it('scores with the published fusion model, then rescores with that version already in the bucket', async () => {
    const common = ['batch', 'run', studies, '--data-dir', dataDir, '--workers', '1'];
    const scored = await sap(
      ...common,
      '--mode',
      'score',
      '--models',
      siteModel,
      '--out',
      path.join(root, 'score'),
    );
    expect(scored.err).toContain(
      `notice: ${siteModel} has no unet/ and resnet/: the demo's synthetic image models`,
    );
    expect(scored.code).toBe(EXIT.rejected);
    expect(scored.out).toMatch(/^batch \S+: 1 completed, 1 failed$/m);
    const summary = JSON.parse(
      await readFile(path.join(root, 'score', 'summary.json'), 'utf8'),
    ) as BatchSummary;
    expect(summary.model).toEqual({ name: 'site-model', version: VERSION });
    // Item 15: the rejected study's reason, not only its code, on the console and in summary.json.
    const [failure] = summary.failures.items;
    expect(failure).toMatchObject({ item: 'too-old', code: 'INPUT_REJECTED' });
    expect(failure!.message).toMatch(/admission\.age/);
    const reason = failure!.message.replace(/\s+/g, ' ').trim();
    expect(scored.out).toContain(`  too-old: ${failure!.stage} INPUT_REJECTED: ${reason}`);
    expect(scored.err).toContain(`too-old: FAILED INPUT_REJECTED: ${reason}`);

    // Issue #19 item 1: the version exists now; the check no longer lists (nor meets s3rver's listing).
    const rescored = await sap(
      ...common,
      '--mode',
      'rescore',
      '--model-version',
      VERSION,
      '--json',
      '--out',
      path.join(root, 'rescore'),
    );
    const again = JSON.parse(rescored.out) as BatchSummary;
    expect(again).toMatchObject({ mode: 'rescore', model: { name: 'site-model', version: VERSION } });
    expect(again.counts.COMPLETED).toBe(1);

    // The same folder again is fine (the same bytes); a version that is not there is named.
    const missing = await sap(...common, '--models', siteModel, '--model-version', 'site-9');
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toContain('the local models bucket has no fusion model version site-9');
  }, 300_000);

  it('refuses other bytes under an existing version, and a folder without a fusion card, by name', async () => {
    const card = JSON.parse(await readFile(path.join(siteModel, 'model-card.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const changed = await fusionOnlyFolder(path.join(root, 'changed-model'), {
      ...card,
      riskThresholds: { moderate: 0.2, high: 0.6 },
    });
    const refused = await sap('batch', 'run', studies, '--data-dir', dataDir, '--models', changed);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.err).toContain(
      `xgboost model version ${VERSION} is already in the local models bucket with another model-card.json`,
    );
    expect(refused.err).toContain(`new "version" in ${path.join(changed, 'model-card.json')}`);

    const noCard = await sap('batch', 'run', studies, '--data-dir', dataDir, '--models', studies);
    expect(noCard.code).toBe(EXIT.usage);
    expect(noCard.err).toContain(`${path.join(studies, 'model-card.json')} is missing`);
  }, 120_000);
});
