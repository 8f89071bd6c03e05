/**
 * Exactly-once effect on at-least-once events, through the local stack: a manifest event delivered twice,
 * an older version's event arriving after a newer one's, and a manifest re-uploaded with new content while
 * its first run is in flight (idempotent-steps.test.ts runs every step again).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../core/ingest/manifest';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { studyKeys, workKeys } from '../../core/study/keys';
import { executionNameFor } from '../../core/study/study-id';
import { PROGRESS, type StudyStatus } from '../../core/study/status';
import type { ExecutionRecord } from '../../local/stack/step-functions/service';
import type { E2eStack } from '../e2e/local-stack';
import { completingStudy, studyItem, stackPerFile } from './support';

let e2e: E2eStack;
stackPerFile(0.01, (started) => ({ e2e } = started));

/** Another patient (seed, variant and clinical record differ): a second version of a study. */
const otherPhantom = generatePhantom({
  dims: [128, 128, 40],
  spacing: [2, 2, 5],
  seed: 12,
  variant: 'oedematous',
});

/** Uploads the files (manifest last) without waiting; returns the manifest's version (its ETag). */
async function upload(studyId: string, files: Record<string, Uint8Array>): Promise<string> {
  const put = (name: string) =>
    e2e.stack.s3Client.send(
      new PutObjectCommand({
        Bucket: e2e.stack.s3.studiesBucket,
        Key: studyKeys.incomingPrefix(studyId) + name,
        Body: files[name],
      }),
    );
  for (const name of Object.keys(files)) if (name !== MANIFEST_FILE) await put(name);
  const { ETag } = await put(MANIFEST_FILE);
  return ETag!.replace(/"/g, '');
}

const executionsOf = (studyId: string): ExecutionRecord[] =>
  e2e.stack.stepFunctions
    .listExecutions()
    .filter((x) => (JSON.parse(x.input) as { studyId: string }).studyId === studyId);

/** Resolves once `count` executions of the study have ended and nothing is in flight. */
async function runsEnded(studyId: string, count: number): Promise<ExecutionRecord[]> {
  while (executionsOf(studyId).filter((x) => x.status !== 'RUNNING').length < count)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await e2e.stack.idle();
  return executionsOf(studyId);
}

/**
 * Polls the study's record while a scenario runs: the (version, status) pairs it went through. A status
 * may only move forward within a version, and a version once left never comes back.
 */
function watchStatus(studyId: string) {
  const seen: { version: string; status: StudyStatus }[] = [];
  let watching = true;
  const look = async () => {
    const item = await studyItem(e2e, studyId);
    const last = seen.at(-1);
    if (item && (last?.version !== item.manifestVersion || last.status !== item.status))
      seen.push({ version: item.manifestVersion, status: item.status });
  };
  const poll = (async () => {
    while (watching) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    watching = false;
    await poll;
    await look();
    const rank = (status: StudyStatus) => (status === 'FAILED' ? PROGRESS.length : PROGRESS.indexOf(status));
    const left = new Set<string>();
    seen.forEach((now, i) => {
      const before = seen[i - 1];
      if (!before) return;
      if (before.version === now.version) expect(rank(now.status)).toBeGreaterThan(rank(before.status));
      else {
        left.add(before.version);
        expect(left.has(now.version), `version ${now.version} came back`).toBe(false);
      }
    });
    return seen;
  };
}

describe('at-least-once manifest events have one effect per manifest version', () => {
  it('runs once when the same event is delivered twice at once', async () => {
    const studyId = 'eo-duplicate';
    e2e.stack.faults.set({ manifestEvents: { duplicates: 1 } });
    const checkStatuses = watchStatus(studyId);
    const version = await upload(studyId, completingStudy(studyId));
    const [run, ...others] = await runsEnded(studyId, 1);
    const seen = await checkStatuses();

    expect(e2e.stack.faults.injected.manifestEvents).toBe(1);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ name: executionNameFor(studyId, version), status: 'SUCCEEDED' });
    expect(seen.at(-1)).toEqual({ version, status: 'COMPLETED' });
    expect(e2e.stack.deadLetters).toEqual([]);
  });

  it("ignores an older version's event that arrives after the newer one's", async () => {
    const studyId = 'eo-out-of-order';
    // The first manifest event is held back 1.5 s: the second upload's event overtakes it.
    e2e.stack.faults.set({ manifestEvents: { delaySeconds: 1.5, times: 1 } });
    const checkStatuses = watchStatus(studyId);
    const older = await upload(studyId, completingStudy(studyId));
    const newer = await upload(studyId, phantomStudyFiles(otherPhantom, 'nifti', studyId));
    expect(newer).not.toBe(older);
    const runs = await runsEnded(studyId, 1);
    const seen = await checkStatuses();

    expect(runs.map((x) => [x.name, x.status])).toEqual([[executionNameFor(studyId, newer), 'SUCCEEDED']]);
    expect(seen.map((s) => s.version)).not.toContain(older);
    expect(await studyItem(e2e, studyId)).toMatchObject({ manifestVersion: newer, status: 'COMPLETED' });
    const work = [...(await e2e.objects(`work/${studyId}/`)).keys()];
    expect(work.every((key) => key.startsWith(workKeys({ studyId, manifestVersion: newer }).prefix))).toBe(
      true,
    );
  });

  it('a manifest re-uploaded with new content mid-run: the old run stops STALE_RUN, the new one owns the result', async () => {
    const studyId = 'eo-reupload';
    const reference = 'eo-reupload-reference';
    const second = (id: string) => phantomStudyFiles(otherPhantom, 'nifti', id);
    // What the second version scores on its own.
    expect(await e2e.run(reference, second(reference))).toMatchObject({ status: 'SUCCEEDED' });
    const expected = (await studyItem(e2e, reference))!;

    const checkStatuses = watchStatus(studyId);
    const inferring = new Promise<void>((resolve) => {
      const stop = e2e.stack.stepFunctions.onEvent((event) => {
        if (event.type === 'StepStarted' && event.studyId === studyId && event.stage === 'Infer') {
          stop();
          resolve();
        }
      });
    });
    const first = await upload(studyId, completingStudy(studyId));
    await inferring;
    const secondVersion = await upload(studyId, second(studyId));
    const runs = await runsEnded(studyId, 2);
    const seen = await checkStatuses();

    const byName = new Map(runs.map((x) => [x.name, x]));
    // The overtaken run ends as superseded (no failure alarm, nothing recorded on the study).
    const overtaken = byName.get(executionNameFor(studyId, first))!;
    expect(overtaken.status).toBe('SUCCEEDED');
    expect(JSON.parse(overtaken.output!)).toMatchObject({ caught: { Error: 'STALE_RUN' } });
    expect(byName.get(executionNameFor(studyId, secondVersion))).toMatchObject({ status: 'SUCCEEDED' });
    expect(seen.filter((s) => s.status === 'FAILED')).toEqual([]);

    const item = (await studyItem(e2e, studyId))!;
    expect(item).toMatchObject({ manifestVersion: secondVersion, status: 'COMPLETED' });
    expect(item.error).toBeUndefined();
    expect(item.result).toEqual(expected.result);
    expect((await e2e.objects(studyKeys.rejection(studyId))).size).toBe(0);
    // Each version's artifacts under its own prefix; the second's are the reference run's, byte for byte.
    const ownPrefix = workKeys({ studyId, manifestVersion: secondVersion }).prefix;
    const alonePrefix = workKeys({ studyId: reference, manifestVersion: expected.manifestVersion }).prefix;
    const [own, alone] = await Promise.all([e2e.objects(ownPrefix), e2e.objects(alonePrefix)]);
    for (const name of ['volume.nii.gz', 'mask.nii.gz', 'clinical.json'])
      expect(Buffer.from(own.get(ownPrefix + name)!), name).toEqual(
        Buffer.from(alone.get(alonePrefix + name)!),
      );
    expect((await e2e.objects(workKeys({ studyId, manifestVersion: first }).prefix)).size).toBeGreaterThan(0);
  });
});
