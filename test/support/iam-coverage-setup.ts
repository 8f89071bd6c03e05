/**
 * The IAM coverage guard rail (issue #17), for every test file that runs the local stack: after the
 * file's own hooks, each AWS call its stack recorded (local/stack/iam/) is evaluated against the
 * synthesized template's policies (of the stack's inference tier) for the caller's role; a call the template would deny fails the file,
 * naming the call, the role and the missing permission. Files without a local stack record nothing and
 * pay nothing.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { recordedCalls, recordedTiers, unattributedCallCount } from '../../local/stack/iam/recorder';

afterAll(async () => {
  const calls = recordedCalls();
  if (calls.length === 0) return;
  const started = performance.now();
  const { checkIamCoverage, describeDenial } = await import('./iam-evaluate');
  const { iamTemplate } = await import('./iam-template');
  // A file's stacks are all of one inference tier: its calls are checked against that tier's template.
  const tiers = recordedTiers();
  if (tiers.length > 1)
    throw new Error(`one test file ran local stacks of several inference tiers (${tiers.join(', ')})`);
  const report = await checkIamCoverage(calls, await iamTemplate(tiers[0]));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // Set SAP_IAM_CALLS_DIR to collect the checked calls of a whole run (one file per test file).
  const collect = process.env.SAP_IAM_CALLS_DIR;
  if (collect) {
    mkdirSync(collect, { recursive: true });
    const lines = report.checked.map((c) => JSON.stringify({ ...c, principal: undefined }) + '\n');
    appendFileSync(path.join(collect, `${process.pid}-${Date.now()}.jsonl`), lines.join(''));
  }
  const unattributed = unattributedCallCount();
  console.info(
    `IAM coverage: ${report.distinct.length} distinct calls (role × action × resource pattern) from ` +
      `${calls.length} recorded, ${report.denied.length} denied, checked in ${seconds} s` +
      (unattributed > 0 ? `; ${unattributed} SDK calls made outside any function were not attributed` : ''),
  );
  if (report.denied.length > 0)
    throw new Error(
      `the template would deny ${report.denied.length} call(s) the local stack made:\n` +
        report.denied.map((call) => `  - ${describeDenial(call)}`).join('\n'),
    );
}, 120_000);
