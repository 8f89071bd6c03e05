import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../core/pipeline/failure';
import { StepError } from '../../../core/pipeline/step-error';
import { PIPELINE_STEPS, RECORD_FAILURE } from '../../../core/pipeline/steps';
import type { StudyRun } from '../../../core/pipeline/run';
import {
  invokeFunction,
  lambdaError,
  type Invocation,
} from '../../../local/stack/step-functions/lambda-invoke';
import {
  LAMBDA_RESPONSE_LIMIT_BYTES,
  STATE_PAYLOAD_LIMIT_BYTES,
  TASK_FAILURE_LIMITS,
} from '../../../local/stack/step-functions/service-limits';
import { LocalStepFunctions, type ExecutionRecord } from '../../../local/stack/step-functions/service';

// The limits the local runner applies, as AWS documents them. A cause keeps 32,768 characters:
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html
// State input and output at most 256 KiB:
// https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
// States.DataLimitExceeded is not caught by States.ALL:
// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
// A synchronous Lambda response at most 6 MB:
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test';
const RUN: StudyRun = { studyId: 's1', manifestVersion: 'v1', bucket: 'b', artifacts: {} };
const handlerOf = (name: string) => PIPELINE_STEPS.find((s) => s.name === name)!.handler;

type Fake = (event: unknown) => unknown;

/** A runner whose functions are fakes; records what the failure recorder was handed. */
function runner(fakes: Partial<Record<string, Fake>>) {
  const recorded: { error: { Error?: string; Cause?: string } }[] = [];
  const service = new LocalStepFunctions({
    stateMachineArn: ARN,
    timeScale: 0.001,
    invoke: async (handler, event): Promise<Invocation> => {
      if (handler === RECORD_FAILURE.handler) {
        const input = event as { stage: 'Validate'; error: { Error?: string; Cause?: string } };
        recorded.push(input);
        // The recorder's own parse (core/pipeline/failure.ts) of what it was handed.
        return { ok: true, payload: describeFailure(input.stage, input.error) };
      }
      const fake = fakes[handler] ?? ((e: unknown) => e);
      try {
        return { ok: true, payload: JSON.parse(JSON.stringify(fake(event) ?? null)) as unknown };
      } catch (error) {
        return { ok: false, error: lambdaError(error) };
      }
    },
  });
  const start = async (input: unknown = RUN): Promise<ExecutionRecord> => {
    const { executionArn } = service.startExecution({
      stateMachineArn: ARN,
      name: 'run-1',
      input: JSON.stringify(input),
    });
    await service.idle();
    return service.describeExecution(executionArn);
  };
  return { start, recorded };
}

describe('local runner: a task failure keeps at most 32,768 characters of its cause', () => {
  it('cuts a long Lambda error report, and the recorder still reads its message', async () => {
    const issues = Array.from(
      { length: 900 },
      (_, i) => `[FILE_EMPTY] image/slice-${i}.dcm: the file is empty`,
    );
    const { start, recorded } = runner({
      [handlerOf('Validate')]: () => {
        throw new StepError('INPUT_REJECTED', issues.join('\n'));
      },
    });
    const record = await start();
    const cause = recorded[0]!.error.Cause!;
    expect(cause).toHaveLength(TASK_FAILURE_LIMITS.causeChars);
    expect(() => JSON.parse(cause) as unknown).toThrow();
    expect(record).toMatchObject({ status: 'FAILED', error: 'INPUT_REJECTED' });
    expect(record.cause).toMatch(/^\[FILE_EMPTY\] image\/slice-0\.dcm: the file is empty\n/);
    expect(record.cause).toMatch(/… \(cut short\)$/);
  });
});

describe('local runner: state over 256 KiB fails the execution, and no Catch applies', () => {
  const big = 'x'.repeat(STATE_PAYLOAD_LIMIT_BYTES);

  it('a step output over the limit: States.DataLimitExceeded, the recorder never runs', async () => {
    const { start, recorded } = runner({ [handlerOf('Validate')]: (run) => ({ ...(run as StudyRun), big }) });
    expect(await start()).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(recorded).toEqual([]);
  });

  it('a state that the caught error brings over the limit: States.DataLimitExceeded, uncaught', async () => {
    const nearlyFull = { ...RUN, artifacts: { note: 'y'.repeat(STATE_PAYLOAD_LIMIT_BYTES - 20_000) } };
    const { start, recorded } = runner({
      [handlerOf('Validate')]: (run) => run,
      [handlerOf('Infer')]: () => {
        throw new StepError('INFERENCE_FAILED', 'z'.repeat(40_000));
      },
    });
    const record = await start(nearlyFull);
    expect(record).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(record.cause).toMatch(/state with the error Infer caught/);
    expect(recorded).toEqual([]);
  });

  it('a state just under the limit is passed on, and its errors are caught', async () => {
    const under = { ...RUN, artifacts: { note: 'y'.repeat(STATE_PAYLOAD_LIMIT_BYTES - 10_000) } };
    const { start, recorded } = runner({
      [handlerOf('Infer')]: () => {
        throw new StepError('INFERENCE_FAILED', 'the endpoint answered 422');
      },
    });
    expect(await start(under)).toMatchObject({ status: 'FAILED', error: 'INFERENCE_FAILED' });
    expect(recorded).toHaveLength(1);
  });
});

describe('local Lambda: a synchronous response over 6 MB fails as Lambda does', () => {
  const fixture = 'test/local/stack/fixtures/sized-response-handler.ts';
  const invoke = (bytes: number) => invokeFunction(fixture, { bytes }, 60, new AbortController().signal);

  it('answers a response of exactly the limit', async () => {
    const answer = await invoke(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(answer.ok).toBe(true);
  });

  it('fails a response one byte over it with Function.ResponseSizeTooLarge', async () => {
    const answer = await invoke(LAMBDA_RESPONSE_LIMIT_BYTES + 1);
    expect(answer).toEqual({
      ok: false,
      error: {
        Error: 'Function.ResponseSizeTooLarge',
        Cause: expect.stringContaining('maximum allowed payload size (6291556 bytes)') as unknown,
      },
    });
  });
});
