import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StepError, TransientStepError } from '../../../core/pipeline/step-error';
import { PIPELINE_STEPS, RECORD_FAILURE } from '../../../core/pipeline/steps';
import type { StudyRun } from '../../../core/pipeline/run';
import { ExecutionJournal } from '../../../local/stack/step-functions/journal';
import { lambdaError, type Invocation } from '../../../local/stack/step-functions/lambda-invoke';
import { RECORD_FAILURE_RETRIER, retryDelaySeconds } from '../../../local/stack/step-functions/retry';
import {
  LocalStepFunctions,
  type ExecutionRecord,
  type RunnerEvent,
} from '../../../local/stack/step-functions/service';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test';
const RUN: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'b', artifacts: {} };
/** Seconds become milliseconds: retries and timeouts keep their ratios but tests stay fast. */
const TIME_SCALE = 0.001;

type Fake = (event: unknown, service: LocalStepFunctions) => Promise<unknown> | unknown;

/** A runner whose functions are the given fakes (handler path → behaviour); calls are recorded. */
function runner(fakes: Partial<Record<string, Fake>>, timeScale = TIME_SCALE, journal?: ExecutionJournal) {
  const calls: { handler: string; event: unknown }[] = [];
  const events: RunnerEvent[] = [];
  const service: LocalStepFunctions = new LocalStepFunctions({
    stateMachineArn: ARN,
    timeScale,
    journal,
    invoke: async (handler, event): Promise<Invocation> => {
      calls.push({ handler, event });
      const fake = fakes[handler];
      if (!fake) throw new Error(`no fake for ${handler}`);
      try {
        return {
          ok: true,
          payload: JSON.parse(JSON.stringify((await fake(event, service)) ?? null)) as unknown,
        };
      } catch (error) {
        return { ok: false, error: lambdaError(error) };
      }
    },
  });
  service.onEvent((e) => events.push(e));
  const start = async (name = 'run-1', input: unknown = RUN): Promise<ExecutionRecord> => {
    const { executionArn } = service.startExecution({
      stateMachineArn: ARN,
      name,
      input: JSON.stringify(input),
    });
    await service.idle();
    return service.describeExecution(executionArn);
  };
  return { service, calls, events, start };
}

const handlerOf = (name: string) => PIPELINE_STEPS.find((s) => s.name === name)!.handler;
const withArtifact = (name: string) => (event: unknown) => {
  const run = event as StudyRun;
  return { ...run, artifacts: { ...run.artifacts, [name]: `work/${run.studyId}/${name}` } };
};
/** The Infer function: answers its own task token, as the endpoint's notification would. */
const answeringInfer =
  (answer: (service: LocalStepFunctions, token: string, run: StudyRun) => void): Fake =>
  (event, service) => {
    const { taskToken, run } = event as { taskToken: string; run: StudyRun };
    setTimeout(() => answer(service, taskToken, run), 5);
    return { inferenceId: 'i-1' };
  };
const recordFailure: Fake = (event) => {
  const { stage, error } = event as { stage: string; error: { Error: string; Cause: string } };
  return {
    stage,
    code: error.Error,
    message: (JSON.parse(error.Cause) as { errorMessage: string }).errorMessage,
  };
};
const happy = {
  [handlerOf('Validate')]: withArtifact('volume'),
  [handlerOf('Infer')]: answeringInfer((service, token, run) =>
    service.sendTaskSuccess(token, JSON.stringify({ ...run, artifacts: { ...run.artifacts, mask: 'm' } })),
  ),
  [handlerOf('Radiomics')]: withArtifact('radiomics'),
  [handlerOf('Fuse')]: withArtifact('explanation'),
  [RECORD_FAILURE.handler]: recordFailure,
};

describe('local runner: the state machine of core/pipeline/steps.ts', () => {
  it('ends a run overtaken by a newer manifest version as superseded, recording no failure', async () => {
    const { calls, start } = runner({
      ...happy,
      [handlerOf('Radiomics')]: () => {
        throw new StepError('STALE_RUN', 'study s1 is no longer at manifest version v1');
      },
    });
    const record = await start('run-stale');
    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(record.output!)).toMatchObject({ caught: { Error: 'STALE_RUN' } });
    expect(calls.map((c) => c.handler)).not.toContain(RECORD_FAILURE.handler);
    expect(calls.filter((c) => c.handler === handlerOf('Radiomics'))).toHaveLength(1);
  });

  it.each([
    ['rescore', ['Fuse']],
    ['features', ['Validate', 'Infer', 'Radiomics', 'Fuse']],
  ] as const)('in a %s run, passes by the steps that do not run in that mode', async (mode, stages) => {
    const { calls, start } = runner(happy);
    const record = await start('run-mode', { ...RUN, mode });
    expect(record.status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.handler)).toEqual(stages.map(handlerOf));
    expect(calls[0]!.event).toMatchObject({ mode });
  });

  it('passes each step the previous step output; Infer gets {taskToken, run} and its token answer', async () => {
    const { calls, start } = runner(happy);
    const record = await start();
    expect(record.status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.handler)).toEqual(PIPELINE_STEPS.map((s) => s.handler));
    expect(calls[1]!.event).toEqual({
      taskToken: expect.any(String),
      run: { ...RUN, artifacts: { volume: 'work/s1/volume' } },
    });
    expect(calls[2]!.event).toEqual({ ...RUN, artifacts: { volume: 'work/s1/volume', mask: 'm' } });
    expect(JSON.parse(record.output!)).toEqual({
      ...RUN,
      artifacts: {
        volume: 'work/s1/volume',
        mask: 'm',
        radiomics: 'work/s1/radiomics',
        explanation: 'work/s1/explanation',
      },
    });
  });

  it('retries TRANSIENT errors as often as the step allows, then catches and records the failure', async () => {
    const validate = PIPELINE_STEPS[0]!;
    const { calls, events, start } = runner({
      ...happy,
      [validate.handler]: () => {
        throw new TransientStepError('S3 throttled');
      },
    });
    const record = await start();
    expect(calls.filter((c) => c.handler === validate.handler)).toHaveLength(1 + validate.retry.maxAttempts);
    const failed = events.filter((e) => e.type === 'StepFailed');
    expect(failed.map((e) => e.type === 'StepFailed' && e.retryInSeconds !== undefined)).toEqual([
      ...Array<boolean>(validate.retry.maxAttempts).fill(true),
      false,
    ]);
    expect(calls.at(-1)).toEqual({
      handler: RECORD_FAILURE.handler,
      event: {
        stage: 'Validate',
        error: { Error: 'TRANSIENT', Cause: expect.stringContaining('S3 throttled') },
        // The whole state, as Step Functions' `$` hands it over: the run and what was caught.
        run: { ...RUN, caught: { Error: 'TRANSIENT', Cause: expect.stringContaining('S3 throttled') } },
      },
    });
    expect(record).toMatchObject({ status: 'FAILED', error: 'TRANSIENT', cause: 'S3 throttled' });
  });

  it('catches any other error at once: no retry, the failed step input goes to the recorder', async () => {
    const { calls, start } = runner({
      ...happy,
      [handlerOf('Radiomics')]: () => {
        throw new StepError('MASK_EMPTY', 'the mask has no voxels');
      },
    });
    const record = await start();
    expect(calls.filter((c) => c.handler === handlerOf('Radiomics'))).toHaveLength(1);
    const recorded = calls.at(-1)!.event as { stage: string; run: StudyRun };
    expect(recorded.stage).toBe('Radiomics');
    expect(recorded.run.artifacts).toEqual({ volume: 'work/s1/volume', mask: 'm' });
    expect(record).toMatchObject({ status: 'FAILED', error: 'MASK_EMPTY', cause: 'the mask has no voxels' });
  });

  it('fails Infer with the error its token was failed with', async () => {
    const { start } = runner({
      ...happy,
      [handlerOf('Infer')]: answeringInfer((service, token) =>
        service.sendTaskFailure(
          token,
          'INFERENCE_FAILED',
          JSON.stringify({ errorMessage: 'model said 422' }),
        ),
      ),
    });
    expect(await start()).toMatchObject({
      status: 'FAILED',
      error: 'INFERENCE_FAILED',
      cause: 'model said 422',
    });
  });

  it('times a step out (States.Timeout) when its token is never answered', async () => {
    // 4,500 s of step timeout become 0.45 s.
    const { start, calls } = runner(
      { ...happy, [handlerOf('Infer')]: () => ({ inferenceId: 'never' }) },
      0.0001,
    );
    const record = await start();
    const recorded = calls.at(-1)!.event as { stage: string; error: { Error: string } };
    expect(recorded).toMatchObject({ stage: 'Infer', error: { Error: 'States.Timeout' } });
    expect(record.status).toBe('FAILED');
  });

  it('retries the failure recorder on any error, as deployed', async () => {
    let attempts = 0;
    const { start } = runner({
      ...happy,
      [handlerOf('Validate')]: () => {
        throw new StepError('INPUT_REJECTED', 'bad');
      },
      [RECORD_FAILURE.handler]: (event) => {
        if (++attempts < 3) throw new Error('DynamoDB unreachable');
        return recordFailure(event, undefined as never);
      },
    });
    expect(await start()).toMatchObject({ status: 'FAILED', error: 'INPUT_REJECTED' });
    expect(attempts).toBe(3);
  });
});

describe('local Step Functions API semantics', () => {
  it('runs a name once: same name and input while running returns that execution, later ones are refused', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { service, calls } = runner({
      ...happy,
      [handlerOf('Validate')]: async (e) => (await gate, withArtifact('volume')(e)),
    });
    const input = JSON.stringify(RUN);
    const first = service.startExecution({ stateMachineArn: ARN, name: 'n', input });
    expect(service.startExecution({ stateMachineArn: ARN, name: 'n', input })).toBe(first);
    expect(() => service.startExecution({ stateMachineArn: ARN, name: 'n', input: '{"other":1}' })).toThrow(
      expect.objectContaining({ type: 'ExecutionAlreadyExists' }),
    );
    release();
    await service.idle();
    expect(() => service.startExecution({ stateMachineArn: ARN, name: 'n', input })).toThrow(
      expect.objectContaining({ type: 'ExecutionAlreadyExists' }),
    );
    expect(calls.filter((c) => c.handler === handlerOf('Validate'))).toHaveLength(1);
  });

  it('answers a spent token with TaskTimedOut and an unknown one with InvalidToken', async () => {
    let token = '';
    const { start, service } = runner({
      ...happy,
      [handlerOf('Infer')]: answeringInfer((s, t, run) => {
        token = t;
        s.sendTaskSuccess(t, JSON.stringify(run));
      }),
    });
    await start();
    expect(() => service.sendTaskSuccess(token, '{}')).toThrow(
      expect.objectContaining({ type: 'TaskTimedOut' }),
    );
    expect(() => service.sendTaskFailure('no-such-token')).toThrow(
      expect.objectContaining({ type: 'InvalidToken' }),
    );
  });

  it('refuses another state machine, bad names and input that is not JSON', () => {
    const { service } = runner(happy);
    const input = JSON.stringify(RUN);
    expect(() => service.startExecution({ stateMachineArn: `${ARN}x`, name: 'n', input })).toThrow(
      expect.objectContaining({ type: 'StateMachineDoesNotExist' }),
    );
    expect(() => service.startExecution({ stateMachineArn: ARN, name: 'a/b', input })).toThrow(
      expect.objectContaining({ type: 'InvalidName' }),
    );
    expect(() => service.startExecution({ stateMachineArn: ARN, name: 'n', input: '{' })).toThrow(
      expect.objectContaining({ type: 'InvalidExecutionInput' }),
    );
  });
});

describe('the execution journal', () => {
  it('resumes a run cut off by a stop from its last finished step, and keeps its name taken', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sap-journal-'));
    const journal = () => new ExecutionJournal(path.join(dir, 'executions.jsonl'));
    const input = JSON.stringify(RUN);
    try {
      const first = runner(
        { ...happy, [handlerOf('Infer')]: () => ({ inferenceId: 'never answered' }) },
        1,
        journal(),
      );
      first.service.startExecution({ stateMachineArn: ARN, name: 'n', input });
      await new Promise<void>((resolve) =>
        first.service.onEvent((e) => e.type === 'StepStarted' && e.stage === 'Infer' && resolve()),
      );
      await first.service.stop();
      expect(first.events.at(-1)?.type).toBe('ExecutionInterrupted');

      const second = runner(happy, TIME_SCALE, journal());
      // Still running as far as Step Functions is concerned: the same start is the same execution.
      expect(second.service.startExecution({ stateMachineArn: ARN, name: 'n', input }).executionArn).toMatch(
        /:n$/,
      );
      expect(second.service.resumeInterrupted()).toEqual(['n']);
      await second.service.idle();
      expect(second.calls.map((c) => c.handler)).toEqual(PIPELINE_STEPS.slice(1).map((s) => s.handler));
      expect(second.calls[0]!.event).toMatchObject({ run: { artifacts: { volume: 'work/s1/volume' } } });
      expect(second.service.listExecutions()).toMatchObject([{ name: 'n', status: 'SUCCEEDED' }]);

      const third = runner(happy, TIME_SCALE, journal());
      expect(third.service.resumeInterrupted()).toEqual([]);
      expect(() => third.service.startExecution({ stateMachineArn: ARN, name: 'n', input })).toThrow(
        expect.objectContaining({ type: 'ExecutionAlreadyExists' }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('retry delays and Lambda error reports', () => {
  it('backs off by the rate up to the cap, with full jitter below it', () => {
    const policy = PIPELINE_STEPS[0]!.retry;
    const retrier = { errors: ['TRANSIENT'], ...policy };
    const top = (n: number) => retryDelaySeconds(retrier, n, () => 1);
    expect([1, 2, 3].map(top)).toEqual([2, 4, 8]);
    expect(top(10)).toBe(policy.maxDelaySeconds);
    expect(retryDelaySeconds(retrier, 3, () => 0.25)).toBe(2);
    expect(retryDelaySeconds(RECORD_FAILURE_RETRIER, 6, () => 1)).toBe(64);
  });

  it('reports a thrown StepError as Lambda does: errorType is its code', () => {
    const caught = lambdaError(new StepError('INPUT_REJECTED', 'two images'));
    expect(caught.Error).toBe('INPUT_REJECTED');
    expect(JSON.parse(caught.Cause!)).toMatchObject({
      errorType: 'INPUT_REJECTED',
      errorMessage: 'two images',
    });
  });
});
