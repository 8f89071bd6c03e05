/**
 * Every step run again with the same input, as an at-least-once invocation or a retry after a lost answer
 * would: at its own status it writes the same artifacts and answers the same; once the study has moved
 * past it, it changes nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_STEPS, type StageName } from '../../core/pipeline/steps';
import type { StudyItem } from '../../lambdas/shared/studies-table';
import { LOCAL_NAMES } from '../../local/stack/local-env';
import { invokeFunction, type Invocation } from '../../local/stack/step-functions/lambda-invoke';
import { startE2eStack, type E2eStack } from '../e2e/local-stack';
import { completingStudy, studyItem } from './support';

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ timeScale: 0.01 });
});
afterAll(() => e2e?.close());

/** What a step may change: the run's artifacts, its results and its record. */
async function snapshot(studyId: string) {
  const objects = new Map([
    ...(await e2e.objects(`work/${studyId}/`)),
    ...(await e2e.objects(`results/${studyId}/`)),
  ]);
  const item = (
    await e2e.studies.send(new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: { studyId } }))
  ).Item as StudyItem;
  return { objects, item };
}

/** JSON artifacts without the wall-clock timings they carry for benchmarks; other files as bytes. */
function comparable(objects: Map<string, Uint8Array>): Map<string, unknown> {
  const dropTimings = (_key: string, value: unknown) =>
    value && typeof value === 'object' && 'timingsMs' in value ? { ...value, timingsMs: undefined } : value;
  return new Map(
    [...objects].map(([key, bytes]) => [
      key,
      key.endsWith('.json') ? JSON.parse(new TextDecoder().decode(bytes), dropTimings) : Buffer.from(bytes),
    ]),
  );
}

describe('every step run again with the same input', () => {
  it('writes the same artifacts and leaves the status where it was', async () => {
    const studyId = 'eo-rerun';
    type Snapshot = Awaited<ReturnType<typeof snapshot>>;
    const reruns: {
      stage: StageName;
      output: unknown;
      again: Invocation;
      before: Snapshot;
      after: Snapshot;
    }[] = [];
    e2e.stack.faults.set({
      betweenSteps: async ({ stage, event, output }) => {
        if ((output as { studyId: string }).studyId !== studyId) return;
        const before = await snapshot(studyId);
        const step = PIPELINE_STEPS.find((s) => s.name === stage)!;
        const again = await invokeFunction(step.handler, event, 60, new AbortController().signal);
        // Infer's work goes on at the endpoint: wait for its notification to drop the parked token again.
        if (stage === 'Infer' && again.ok)
          await tokenDropped((again.payload as { inferenceId: string }).inferenceId);
        reruns.push({ stage, output, again, before, after: await snapshot(studyId) });
      },
    });
    expect(await e2e.run(studyId, completingStudy(studyId))).toMatchObject({ status: 'SUCCEEDED' });

    expect(reruns.map((r) => r.stage)).toEqual(PIPELINE_STEPS.map((s) => s.name));
    for (const { stage, before, after } of reruns) {
      expect(comparable(after.objects), stage).toEqual(comparable(before.objects));
      // A step entered again refreshes updatedAt (the time of its last sign of life), nothing else.
      expect({ ...after.item, updatedAt: undefined }, stage).toEqual({
        ...before.item,
        updatedAt: undefined,
      });
    }
    const byStage = new Map(reruns.map((r) => [r.stage, r]));
    // At its own status a step does its work again and answers as before.
    for (const stage of ['Validate', 'Radiomics'] as const)
      expect(byStage.get(stage)!.again).toEqual({ ok: true, payload: byStage.get(stage)!.output });
    expect(byStage.get('Infer')!.again).toMatchObject({ ok: true });
    // Once the study is COMPLETED a late copy of Fuse changes nothing: it stops as a stale run.
    expect(byStage.get('Fuse')!.again).toMatchObject({ ok: false, error: { Error: 'STALE_RUN' } });
    expect(await studyItem(e2e, studyId)).toMatchObject({ status: 'COMPLETED' });
  });
});

async function tokenDropped(inferenceId: string): Promise<void> {
  const key = { studyId: `inference#${inferenceId}` };
  for (;;) {
    const { Item } = await e2e.studies.send(
      new GetCommand({ TableName: LOCAL_NAMES.studiesTable, Key: key }),
    );
    if (!Item) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
