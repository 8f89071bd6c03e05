import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { main } from '../../cli/main';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { REPO_ROOT } from '../../local/stack/paths';
import { startE2eStack, type E2eStack } from './local-stack';

// One study through the whole local pipeline, then rescored through the local results API as a
// hospital would: `sap rescore --wait` against the same handler, runner and Fuse code as the cloud.
let e2e: E2eStack;
const STUDY = 'e2e-rescore';
const DEMO = path.join(REPO_ROOT, 'models', 'demo');

beforeAll(async () => {
  e2e = await startE2eStack();
  // A second fusion model version: the demo model under another version name.
  const card = JSON.parse(await readFile(path.join(DEMO, 'model-card.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const file = await readFile(path.join(DEMO, card.file as string));
  for (const [name, body] of [
    ['model-card.json', JSON.stringify({ ...card, version: 'demo-2' })],
    [card.file as string, file],
  ] as const)
    await e2e.stack.s3Client.send(
      new PutObjectCommand({
        Bucket: e2e.stack.s3.modelsBucket,
        Key: `models/xgboost/demo-2/${name}`,
        Body: body,
      }),
    );
  const phantom = generatePhantom({
    dims: [128, 128, 40],
    spacing: [2, 2, 5],
    seed: 5,
    variant: ['pleural-effusion'],
  });
  const record = await e2e.run(STUDY, phantomStudyFiles(phantom, 'nifti', STUDY));
  expect(record).toMatchObject({ status: 'SUCCEEDED' });
}, 240_000);
afterAll(() => e2e?.close());

async function sap(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv, '--endpoint', e2e.stack.apiUrl], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const studyItem = async () =>
  (await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId: STUDY } })))
    .Item as Record<string, unknown>;

describe('sap rescore on the local stack', () => {
  it('replaces the result with the other version’s, recording the one it replaced', async () => {
    const before = await studyItem();
    const { code, out, err } = await sap('rescore', STUDY, '--model-version', 'demo-2', '--wait', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const study = JSON.parse(out) as Record<string, unknown>;
    expect(study).toMatchObject({
      status: 'COMPLETED',
      manifestVersion: before.manifestVersion,
      rescore: { modelVersion: 'demo-2', status: 'COMPLETED' },
      result: { model: { version: 'demo-2' }, rescoredFrom: 'demo-1' },
    });
    // The same model, the same kept artifacts: the same probability.
    expect((study.result as { probability: number }).probability).toBeCloseTo(
      (before.result as { probability: number }).probability,
      12,
    );
    expect(await studyItem()).toMatchObject({ stages: before.stages, status: 'COMPLETED' });
  }, 120_000);

  it('refuses a version the models bucket does not hold', async () => {
    const { code, err } = await sap('rescore', STUDY, '--model-version', 'demo-9');
    expect(code).toBe(1);
    expect(err).toContain('no fusion model version demo-9');
  });
});
