/**
 * The CPU inference tier end to end (`-c inference=cpu`, issue #20): Infer is the InferCpu function,
 * called in this process like the other steps, with its own environment and timeout, loading the
 * demo models from the local models bucket; no inference container runs. The study completes as on the
 * GPU tier (test/e2e/pipeline.test.ts), and its inference.json says which tier ran it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferenceResultSchema } from '../../core/inference/result';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { workKeys } from '../../core/study/keys';
import { PROGRESS } from '../../core/study/status';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { startE2eStack, type E2eStack } from './local-stack';

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ inference: 'cpu' });
});
afterAll(() => e2e?.close());

/** The GPU tier's end-to-end phantom: small, but wider than one U-Net window. */
const phantom = generatePhantom({
  dims: [128, 128, 40],
  spacing: [2, 2, 5],
  seed: 11,
  variant: ['necrotising', 'pleural-effusion'],
});

const studyItem = async (studyId: string) =>
  (await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }))).Item;

describe('the CPU inference tier, end to end', () => {
  it('takes a study from upload to COMPLETED, with the tier recorded in inference.json', async () => {
    expect(e2e.stack.inference).toBe('cpu');
    const studyId = 'e2e-cpu-tier';
    const record = await e2e.run(studyId, phantomStudyFiles(phantom, 'nifti', studyId));
    expect(record).toMatchObject({ status: 'SUCCEEDED' });

    const item = await studyItem(studyId);
    expect(item).toMatchObject({ studyId, status: 'COMPLETED' });
    expect(Object.keys(item!.stages as object).sort()).toEqual([...PROGRESS].sort());
    const result = item!.result as Record<string, unknown>;
    expect(result.probability).toBeGreaterThan(0);
    expect(result.probability).toBeLessThan(1);
    expect(Object.keys(result.models as object).sort()).toEqual(['resnet', 'unet', 'xgboost']);

    const keys = workKeys(item as { studyId: string; manifestVersion: string });
    const written = await e2e.objects(keys.prefix);
    expect(written.has(keys.mask)).toBe(true);
    const inference = inferenceResultSchema.parse(
      JSON.parse(new TextDecoder().decode(written.get(keys.inference))),
    );
    expect(inference).toMatchObject({ tier: 'cpu', executionProvider: 'cpu' });
    // Infer handed on what the GPU tier's callback hands on: the mask and inference.json keys.
    const output = JSON.parse(record.output!) as { artifacts: Record<string, string> };
    expect(output.artifacts).toMatchObject({ mask: keys.mask, inference: keys.inference });
  });
});
