import type { FunctionName } from '../../core/pipeline/functions';
import type { StageName } from '../../core/pipeline/steps';

/**
 * Faults the local stack injects where its parts meet, so that the functions' real retry and error
 * classification code runs against them: S3 and DynamoDB answer AWS errors at their protocol edge, the
 * inference container refuses, hangs or fails, notifications and manifest events go astray, and a hook
 * between steps may tamper with a run's artifacts.
 */
export interface FaultPlan {
  /** Checked in order; the first matching rule with hits left answers the request. */
  s3?: S3Fault[];
  dynamodb?: DynamoFault[];
  /** The inference container behind the local SageMaker endpoint. */
  inference?: InferenceFault;
  /** The endpoint's success and error notifications are lost: no callback ever hears of the invocation. */
  lostNotifications?: Repeat;
  /** EventBridge's delivery of manifest events (at least once, in any order). */
  manifestEvents?: ManifestEventFault;
  /** Runs after a step succeeded, before the next one starts (e.g. corruptArtifact). */
  betweenSteps?: (step: FinishedStep) => Promise<void>;
  /** The Lambda runtime stops a function's invocation (its handler does not run). */
  functions?: FunctionFault[];
}

interface Repeat {
  /** How many times the fault strikes before it stops. Default: every time. */
  times?: number;
}

export interface S3Fault extends Repeat {
  /** The AWS error code answered; its HTTP status follows from it (S3_ERRORS). */
  code: S3ErrorCode;
  /** Default: GET (object reads and listings). */
  methods?: string[];
  /** Matched against the object key (without the bucket). Default: every key. */
  key?: RegExp;
}

export interface DynamoFault extends Repeat {
  code: DynamoErrorCode;
  /** Operation names (`UpdateItem`, `GetItem`, ...). Default: every operation. */
  operations?: string[];
}

export interface InferenceFault extends Repeat {
  /**
   * `refused`: nothing listens (connection refused). `hang`: the request is accepted and never answered.
   * `error`: the container answers with `status` (default 500).
   */
  kind: 'refused' | 'hang' | 'error';
  status?: number;
}

/**
 * What the Lambda runtime does to an invocation: `timeout`, it runs to the function's timeout and ends as
 * Sandbox.Timedout; `out-of-memory`, the runtime is killed and reports Runtime.OutOfMemory.
 */
export interface FunctionFault extends Repeat {
  function: FunctionName;
  kind: 'timeout' | 'out-of-memory';
}

export interface ManifestEventFault extends Repeat {
  /** Extra deliveries of the same event, at the same time. Default 0. */
  duplicates?: number;
  /** Seconds the delivery waits (real seconds, not scaled). Default 0. */
  delaySeconds?: number;
}

/** A step that succeeded: the event its function was invoked with and the output it gave. */
export interface FinishedStep {
  stage: StageName;
  execution: string;
  event: unknown;
  output: unknown;
}

/** Errors S3 answers (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
export const S3_ERRORS = {
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  ServiceUnavailable: { status: 503, message: 'Service is unable to handle request.' },
  AccessDenied: { status: 403, message: 'Access Denied' },
} as const;
export type S3ErrorCode = keyof typeof S3_ERRORS;

/** Errors DynamoDB answers, with the type prefix of its JSON protocol. */
export const DYNAMO_ERRORS = {
  ProvisionedThroughputExceededException: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  ThrottlingException: {
    status: 400,
    type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  InternalServerError: {
    status: 500,
    type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  },
} as const;
export type DynamoErrorCode = keyof typeof DYNAMO_ERRORS;

export type FaultKind =
  's3' | 'dynamodb' | 'inference' | 'lostNotifications' | 'manifestEvents' | 'functions';

/**
 * The switch: which faults are on. `set` replaces the plan at any time (tests change it between and during
 * runs); each rule's `times` counts down from then. `injected` counts what struck, by kind.
 */
export class FaultSwitch {
  private plan: FaultPlan = {};
  private readonly remaining = new Map<object, number>();
  readonly injected: Record<FaultKind, number> = {
    s3: 0,
    dynamodb: 0,
    inference: 0,
    lostNotifications: 0,
    manifestEvents: 0,
    functions: 0,
  };

  constructor(plan: FaultPlan = {}) {
    this.set(plan);
  }

  set(plan: FaultPlan): void {
    this.plan = plan;
    this.remaining.clear();
  }

  clear(): void {
    this.set({});
  }

  /** The S3 error to answer a request with, if a rule strikes it. */
  s3Fault(method: string, key: string): S3Fault | undefined {
    const rule = this.plan.s3?.find(
      (r) => (r.methods ?? ['GET']).includes(method) && (!r.key || r.key.test(key)) && this.hitsLeft(r),
    );
    return rule && this.strike('s3', rule);
  }

  dynamoFault(operation: string): DynamoFault | undefined {
    const rule = this.plan.dynamodb?.find(
      (r) => (!r.operations || r.operations.includes(operation)) && this.hitsLeft(r),
    );
    return rule && this.strike('dynamodb', rule);
  }

  /** What the inference container does with the next connection or request. */
  inferenceFault(): InferenceFault | undefined {
    const rule = this.plan.inference;
    return rule && this.hitsLeft(rule) ? this.strike('inference', rule) : undefined;
  }

  /** Whether this notification is lost. */
  losesNotification(): boolean {
    const rule = this.plan.lostNotifications;
    return rule !== undefined && this.hitsLeft(rule) && this.strike('lostNotifications', rule) !== undefined;
  }

  /** How one manifest event is delivered: how many times, after how long. */
  manifestDelivery(): { deliveries: number; delaySeconds: number } {
    const rule = this.plan.manifestEvents;
    if (!rule || !this.hitsLeft(rule)) return { deliveries: 1, delaySeconds: 0 };
    this.strike('manifestEvents', rule);
    return { deliveries: 1 + (rule.duplicates ?? 0), delaySeconds: rule.delaySeconds ?? 0 };
  }

  /** What the Lambda runtime does to this invocation of `name`, if a rule strikes it. */
  functionFault(name: FunctionName): FunctionFault | undefined {
    const rule = this.plan.functions?.find((r) => r.function === name && this.hitsLeft(r));
    return rule && this.strike('functions', rule);
  }

  async betweenSteps(step: FinishedStep): Promise<void> {
    await this.plan.betweenSteps?.(step);
  }

  private hitsLeft(rule: Repeat & object): boolean {
    return (this.remaining.get(rule) ?? rule.times ?? Infinity) > 0;
  }

  private strike<T extends Repeat & object>(kind: FaultKind, rule: T): T {
    this.remaining.set(rule, (this.remaining.get(rule) ?? rule.times ?? Infinity) - 1);
    this.injected[kind]++;
    return rule;
  }
}
