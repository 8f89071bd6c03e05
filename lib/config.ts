import { z } from 'zod';
import { DEFAULT_INFERENCE_TIER, INFERENCE_TIERS, type InferenceTier } from '../core/pipeline/inference-tier';
import {
  DEFAULT_GPU_INSTANCE_TYPE,
  DEFAULT_LOG_RETENTION_DAYS,
  ENDPOINT_DEFAULTS,
  ORIGINALS_CLASS_MINIMUM_DAYS,
  STORAGE_DEFAULTS,
} from '../core/pipeline/deployment-defaults';
import { VOLUME_STEP_MEMORY_MB } from '../core/pipeline/steps';

/**
 * What a hospital changes per deployment. Every option can be set in cdk.json's context or with
 * `cdk deploy -c name=value`; a wrong value stops the synth with a message naming the option.
 */
export interface PipelineOptions {
  /**
   * Where the U-Net and ResNet50 run (core/pipeline/inference-tier.ts): `gpu`, the SageMaker asynchronous
   * endpoint, or `cpu`, a Lambda function. Default: gpu.
   */
  inference: InferenceTier;
  /**
   * SageMaker instance type of the inference endpoint. Default: ml.g4dn.xlarge (one T4 GPU), the cheapest
   * per hour of g4dn, g5 and g6 (core/pipeline/deployment-defaults.ts says why).
   */
  instanceType: string;
  /** Most endpoint instances autoscaling may start. Default: 2. */
  maxInstances: number;
  /** Let the endpoint scale to zero instances when idle (cheap, but the next study waits for a cold start). Default: true. */
  scaleToZero: boolean;
  /** Concurrent invocations one endpoint instance serves. Default: 2. */
  maxConcurrentInvocationsPerInstance: number;
  /** Retention of every log group, in days (a CloudWatch retention value). Default: 365. */
  logRetentionDays: number;
  /** Days after which intermediate artifacts under work/ expire. Default: 30. */
  workRetentionDays: number;
  /**
   * Days after upload when the originals under incoming/ move to S3 Glacier Instant Retrieval, or `never`.
   * Default: 30 (core/pipeline/deployment-defaults.ts says why and what it costs).
   */
  originalsTransitionDays: number | 'never';
  /**
   * Days after upload when the originals under incoming/ are deleted, or `never`. After it a study can no
   * longer be rerun from its upload. Default: 365.
   */
  originalsExpiryDays: number | 'never';
  /** Address that receives alarm notifications. Default: none (alarms go to the topic only). */
  alarmEmail?: string;
  /** IAM principal ARNs allowed to call the results API. Default: any IAM principal of the deploying account. */
  apiPrincipals: string[];
  /**
   * Memory of the functions that read the whole volume and mask (Radiomics, Fuse), MB. Default: 3008, the
   * most a new account's Lambda quota allows; raise it for studies of more than about 800 slices of 512×512
   * once the quota is raised.
   */
  imageMemoryMb: number;
  /** Model versions under models/{unet|resnet|xgboost}/{version}/ in the models bucket. Default: 1. */
  modelVersions: { unet: string; resnet: string; xgboost: string };
}

/** The values CloudWatch Logs accepts as a retention period. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const VERSION = /^[A-Za-z0-9._-]{1,64}$/;

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const list = z.union([
  z.array(z.string()),
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
]);

/** A whole number of days from `min`, or `never`. */
const daysOrNever = (min: number) =>
  z.union([z.literal('never'), z.coerce.number().int().min(min).max(36500)]);

const contextSchema = z.object({
  inference: z.enum(INFERENCE_TIERS).default(DEFAULT_INFERENCE_TIER),
  instanceType: z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'a SageMaker instance type such as ml.g5.xlarge')
    .default(DEFAULT_GPU_INSTANCE_TYPE),
  maxInstances: z.coerce.number().int().min(1).max(20).default(ENDPOINT_DEFAULTS.maxInstances),
  scaleToZero: flag.default(ENDPOINT_DEFAULTS.scaleToZero),
  maxConcurrentInvocationsPerInstance: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(ENDPOINT_DEFAULTS.maxConcurrentInvocationsPerInstance),
  logRetentionDays: z.coerce
    .number()
    .refine((d) => RETENTION_DAYS.includes(d), `one of ${RETENTION_DAYS.join(', ')}`)
    .default(DEFAULT_LOG_RETENTION_DAYS),
  workRetentionDays: z.coerce.number().int().min(1).max(3650).default(STORAGE_DEFAULTS.workRetentionDays),
  // Glacier Instant Retrieval transitions accept 0 days or more; expiry needs at least one day:
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html
  originalsTransitionDays: daysOrNever(0).default(STORAGE_DEFAULTS.originalsTransitionDays),
  originalsExpiryDays: daysOrNever(1).default(STORAGE_DEFAULTS.originalsExpiryDays),
  alarmEmail: z.email().optional(),
  apiPrincipals: list
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/,
            'an IAM role, user or account root ARN',
          ),
      ),
    )
    .default([]),
  // Lambda accepts 128 to 10,240 MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
  imageMemoryMb: z.coerce.number().int().min(128).max(10240).default(VOLUME_STEP_MEMORY_MB),
  unetVersion: z.string().regex(VERSION).default('1'),
  resnetVersion: z.string().regex(VERSION).default('1'),
  xgboostVersion: z.string().regex(VERSION).default('1'),
});

export const OPTION_NAMES = Object.keys(contextSchema.shape) as (keyof typeof contextSchema.shape)[];

/** Reads and checks the options from a construct's context lookup. */
export function readOptions(lookup: (name: string) => unknown): PipelineOptions {
  const raw = Object.fromEntries(
    OPTION_NAMES.map((name) => [name, lookup(name)]).filter(([, v]) => v !== undefined),
  );
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `-c ${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid sap-pipeline context: ${problems}`);
  }
  const { unetVersion, resnetVersion, xgboostVersion, ...rest } = parsed.data;
  const lifecycleProblem = originalsLifecycleProblem(rest);
  if (lifecycleProblem) throw new Error(`invalid sap-pipeline context: ${lifecycleProblem}`);
  return { ...rest, modelVersions: { unet: unetVersion, resnet: resnetVersion, xgboost: xgboostVersion } };
}

/**
 * Expiry must come after the transition, and late enough that Glacier Instant Retrieval's 90-day minimum
 * is not billed for days the objects no longer exist.
 */
function originalsLifecycleProblem({
  originalsTransitionDays: transition,
  originalsExpiryDays: expiry,
}: Pick<PipelineOptions, 'originalsTransitionDays' | 'originalsExpiryDays'>): string | undefined {
  if (transition === 'never' || expiry === 'never') return undefined;
  if (expiry < transition + ORIGINALS_CLASS_MINIMUM_DAYS)
    return `-c originalsExpiryDays: ${expiry} days is less than originalsTransitionDays (${transition}) + the ${ORIGINALS_CLASS_MINIMUM_DAYS}-day minimum of Glacier Instant Retrieval; raise it, or set originalsTransitionDays=never`;
  return undefined;
}

/** Regions to deploy to: `-c regions=eu-west-1,us-east-1`, else cdk.json's default. */
export function readRegions(value: unknown): string[] {
  const regions = list.parse(value ?? []);
  const bad = regions.filter((r) => !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(r));
  if (regions.length === 0)
    throw new Error('no regions: set -c regions=eu-west-1[,us-east-1,...] or "regions" in cdk.json');
  if (bad.length > 0) throw new Error(`not AWS region names: ${bad.join(', ')}`);
  return [...new Set(regions)];
}
