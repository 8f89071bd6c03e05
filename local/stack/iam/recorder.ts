import type { InferenceTier } from '../../../core/pipeline/inference-tier';
import { currentPrincipal } from './caller-context';
import type { Principal } from './principals';

/** One AWS API call as IAM authorizes it: the action (`s3:GetObject`), the resource ARN, condition keys. */
export interface AwsCall {
  action: string;
  /** The resource's ARN in the local stack's names (local-arns.ts); `*` for actions without one. */
  resource: string;
  /** Request context keys the template's policies may test (e.g. `s3:prefix` for ListBucket). */
  context?: Record<string, string>;
  /** For a call AWS makes on the caller's behalf: the call that needs it (e.g. `states:StartExecution.sync`). */
  impliedBy?: string;
}

export interface RecordedCall extends AwsCall {
  principal: Principal;
}

const calls = new Map<string, RecordedCall>();
let recording = false;
/** The inference tiers of the stacks that recorded: their calls are checked against that tier's template. */
const tiers = new Set<InferenceTier>();
let unattributed = 0;

/** The local stack records while it runs; calls outside (a test's own reads) are not the stack's. */
export function setIamRecording(on: boolean): void {
  recording = on;
}

/** Records `call` as made by `principal`, or by whoever is running now (caller-context.ts). */
export function recordCall(call: AwsCall, principal: Principal | undefined = currentPrincipal()): void {
  if (!recording) return;
  if (!principal) {
    unattributed++;
    return;
  }
  const recorded: RecordedCall = { principal, ...call };
  calls.set(JSON.stringify(recorded), recorded);
}

/** A stack of this inference tier records in this process (`-c inference=...` of its template). */
export function recordStackTier(tier: InferenceTier): void {
  tiers.add(tier);
}

/** The inference tiers of the stacks that recorded in this process. */
export function recordedTiers(): InferenceTier[] {
  return [...tiers];
}

/** Every distinct call recorded in this process so far. */
export function recordedCalls(): RecordedCall[] {
  return [...calls.values()];
}

/** Calls made through an instrumented client with no principal running (a test's direct handler import). */
export function unattributedCallCount(): number {
  return unattributed;
}
