/**
 * The CPU inference tier when Lambda stops its Infer function: an invocation that runs to the function's
 * timeout (Sandbox.Timedout) and one killed for running out of memory (Runtime.OutOfMemory) end the
 * study FAILED with FUNCTION_TIMEOUT and FUNCTION_OUT_OF_MEMORY, at once: the function checks a study
 * against its time and memory before it runs (core/inference/cpu-tier-limits.ts), so a run that still
 * hits a limit would hit it again, and three more 15-minute tries at 10 GB would only delay the answer.
 * Nothing is lost: the originals stay as uploaded, and the study is left in no in-progress state.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTION_OUT_OF_MEMORY, FUNCTION_TIMEOUT } from '../../core/pipeline/failure';
import { CPU_INFERENCE } from '../../core/pipeline/steps';
import { IN_PROGRESS_STATUSES } from '../../core/study/progress-age';
import type { E2eStack } from '../e2e/local-stack';
import {
  completingStudy,
  expectFailedWith,
  expectOriginalsKept,
  stepFailures,
  studyItem,
  stackPerFile,
  type RunnerRecorder,
} from './support';

/** InferCpu's 900 s timeout falls to the local stack's 10 s floor; every other timeout too. */
const TIME_SCALE = 0.004;

let e2e: E2eStack;
let recorder: RunnerRecorder;
stackPerFile(TIME_SCALE, (started) => ({ e2e, recorder } = started), { inference: 'cpu' });

describe('Lambda stops the CPU tier’s Infer function', () => {
  it.each([
    ['timeout', 'Sandbox.Timedout', FUNCTION_TIMEOUT, /Task timed out after/],
    ['out-of-memory', 'Runtime.OutOfMemory', FUNCTION_OUT_OF_MEMORY, /signal: killed/],
  ] as const)(
    '%s: FAILED with its code, not retried, originals kept',
    async (kind, error, code, message) => {
      const studyId = `cpu-${kind}`;
      const files = completingStudy(studyId);
      e2e.stack.faults.set({ functions: [{ function: 'InferCpu', kind, times: 1 }] });
      const started = Date.now();
      const injected = e2e.stack.faults.injected.functions;
      expect(await e2e.run(studyId, files)).toMatchObject({ status: 'FAILED', error: code });
      expect(e2e.stack.faults.injected.functions - injected).toBe(1);

      const failures = stepFailures(recorder.events, studyId);
      expect(failures.map((f) => [f.stage, f.error.Error, f.retryInSeconds])).toEqual([
        ['Infer', error, undefined],
      ]);
      if (kind === 'timeout')
        expect((Date.now() - started) / 1000).toBeGreaterThanOrEqual(
          Math.max(CPU_INFERENCE.timeoutSeconds * TIME_SCALE, 10) - 0.5,
        );
      await expectFailedWith(e2e, studyId, { stage: 'Infer', code, message });
      await expectOriginalsKept(e2e, studyId, files);
      expect(IN_PROGRESS_STATUSES).not.toContain((await studyItem(e2e, studyId))!.status);
    },
    90_000,
  );
});
