import { ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { BATCH_ID_PATTERN } from '../core/batch/outcome';
import {
  batchClients,
  batchExecutionArn,
  isStateMachineArn,
  readBatchProgress,
  type BatchClients,
  type BatchProgressView,
} from './batch-cloud';
import { BATCH_STATE_MACHINE_ENV } from './commands';
import { EXIT, reportError, type CommandContext, usageError } from './io';
import { BATCH_CLOCK, type PollClock } from './poll-clock';

export interface BatchStatusInput {
  batchId: string;
  wait?: boolean;
  /** Seconds. */
  timeout: number;
  stateMachine?: string;
  region?: string;
}

/**
 * `sap batch status`: the batch's execution, its Distributed Map's item counts and, once it ended, its
 * summary. Exit 0 running or succeeded, 1 failed, timed out, aborted or unknown, 2 usage, AWS errors or a
 * --wait that timed out.
 */
export async function batchStatusCommand(input: BatchStatusInput, ctx: CommandContext): Promise<number> {
  const { batchId, timeout } = input;
  const stateMachineArn = input.stateMachine ?? ctx.env[BATCH_STATE_MACHINE_ENV];
  const usage = (message: string) => usageError(ctx, message);
  if (!BATCH_ID_PATTERN.test(batchId)) return usage(`${JSON.stringify(batchId)} is not a batch id`);
  if (!stateMachineArn)
    return usage(`which batch state machine? Pass --state-machine ARN or set $${BATCH_STATE_MACHINE_ENV}`);
  if (!isStateMachineArn(stateMachineArn))
    return usage(`${JSON.stringify(stateMachineArn)} is not a state machine ARN`);

  const aws = batchClients(stateMachineArn, input.region);
  const executionArn = batchExecutionArn(stateMachineArn, batchId);
  try {
    const view = input.wait
      ? await waitForEnd(aws, executionArn, timeout * 1000, ctx, ctx.clock ?? BATCH_CLOCK)
      : await readBatchProgress(aws, executionArn);
    if (view === 'timeout') return EXIT.usage;
    ctx.io.out(ctx.json ? JSON.stringify(view, null, 2) : formatBatch(view));
    return view.status === 'RUNNING' || view.status === 'SUCCEEDED' ? EXIT.ok : EXIT.rejected;
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) {
      reportError(ctx, 'NOT_FOUND', `no batch ${batchId} on ${stateMachineArn}`);
      return EXIT.rejected;
    }
    reportError(ctx, (error as Error).name || 'AWS_ERROR', (error as Error).message);
    return EXIT.usage;
  }
}

/** Polls until the execution ends, printing a progress line on stderr whenever the item counts change. */
async function waitForEnd(
  aws: BatchClients,
  executionArn: string,
  timeoutMs: number,
  ctx: CommandContext,
  clock: PollClock,
): Promise<BatchProgressView | 'timeout'> {
  const deadline = clock.now() + timeoutMs;
  let interval = clock.firstMs;
  let shown = '';
  for (;;) {
    const view = await readBatchProgress(aws, executionArn);
    const line = progressLine(view);
    if (line !== shown) {
      ctx.io.err(
        ctx.json
          ? JSON.stringify({ progress: { batchId: view.batchId, status: view.status, items: view.items } })
          : line,
      );
      shown = line;
      interval = clock.firstMs;
    }
    if (view.status !== 'RUNNING') return view;
    const left = deadline - clock.now();
    if (left <= 0) {
      reportError(
        ctx,
        'TIMEOUT',
        `gave up waiting for batch ${view.batchId} after ${timeoutMs / 1000} s: ${line}`,
      );
      return 'timeout';
    }
    await clock.sleep(Math.min(interval, left));
    interval = Math.min(interval * clock.factor, clock.maxMs);
  }
}

/** `batch b1: RUNNING, 120/5000 done (3 failed), 16 running` */
export function progressLine(view: BatchProgressView): string {
  const items = view.items;
  if (!items) return `batch ${view.batchId}: ${view.status}, reading its item list`;
  const done = items.succeeded + items.failed + items.timedOut + items.aborted;
  const failed = items.failed + items.timedOut + items.aborted;
  return `batch ${view.batchId}: ${view.status}, ${done}/${items.total} done (${failed} failed), ${items.running} running`;
}

/** The batch for a person: progress, why it failed, and the summary's counts, failures and cost. */
export function formatBatch(view: BatchProgressView): string {
  const lines = [progressLine(view)];
  if (view.settings) {
    const { mode, fusionModelVersion, maxConcurrency, toleratedFailurePercentage } = view.settings;
    const set = [
      mode && `mode ${mode}`,
      fusionModelVersion && `fusion model ${fusionModelVersion}`,
      maxConcurrency && `at most ${maxConcurrency} at once`,
      toleratedFailurePercentage !== undefined && `tolerates ${toleratedFailurePercentage}% failed`,
    ].filter(Boolean);
    if (set.length > 0) lines.push(`  ${set.join(', ')}`);
  }
  if (view.error)
    lines.push(`  failed: ${view.error.code}${view.error.cause ? ` — ${view.error.cause}` : ''}`);
  const summary = view.summary;
  if (summary) {
    const { counts, failures, cost } = summary;
    lines.push(`  ${counts.COMPLETED} completed, ${counts.FAILED} failed of ${counts.total}`);
    for (const [code, n] of Object.entries(failures.byCode)) lines.push(`    ${code}: ${n}`);
    lines.push(
      `  GPU ${summary.gpuSeconds.toFixed(0)} s, estimated $${cost.usd.total.toFixed(2)} (${cost.pricesAsOf} list prices)`,
    );
  }
  if (view.location && view.status !== 'RUNNING')
    lines.push(`  outputs: ${view.location} (features.csv, summary.json, studies/)`);
  return lines.join('\n');
}
