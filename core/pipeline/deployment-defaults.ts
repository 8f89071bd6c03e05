/**
 * The defaults of a deployment's options, in one place: lib/config.ts gives them to the CDK constructs and
 * core/cost prices the same values, so `sap cost` always describes the template a plain `cdk deploy`
 * makes (test/infra/cost-settings.test.ts compares the two).
 */

/**
 * The GPU tier's SageMaker instance type. Candidates, one GPU each, us-east-1 on-demand (core/cost/prices.ts):
 * ml.g4dn.xlarge (T4, 16 GB, $0.736/h), ml.g6.xlarge (L4, 24 GB, $1.006/h), ml.g5.xlarge (A10G, 24 GB,
 * $1.408/h). The U-Net and the 3D ResNet50 need a few GB of GPU memory at batch 1, so 16 GB is enough. With
 * scale to zero the bill is instance time, and most of it is start-up and idle tail, which no faster GPU
 * shortens: the price per hour decides, and a T4's slower inference (GPU_SECONDS_BY_INSTANCE,
 * core/cost/usage.ts) adds seconds to a study, not dollars. ml.g4dn is among the instance types of the
 * pinned GPU host images (ProductionVariant.InferenceAmiVersion,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html), and the T4
 * (compute capability 7.5) runs the container's CUDA 12 build of onnxruntime.
 */
export const DEFAULT_GPU_INSTANCE_TYPE = 'ml.g4dn.xlarge';

/** Endpoint scaling defaults (lib/config.ts options of the same names). */
export const ENDPOINT_DEFAULTS = {
  maxInstances: 2,
  scaleToZero: true,
  maxConcurrentInvocationsPerInstance: 2,
} as const;

/**
 * Scale-in of the GPU endpoint (lib/constructs/inference-endpoint.ts). Target tracking's own scale-in alarm
 * needs 15 one-minute data points and cannot be changed, so its scale-in is disabled and a step policy
 * sets the minimum capacity once the endpoint's backlog, queued and in-process requests together, has been
 * empty for `idlePeriods` one-minute periods:
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
 * ("do not edit the alarms"; "disable the scale-in portion ... use a different method for scale in").
 * One-minute periods are the finest SageMaker endpoint metrics have, and one period would be the shortest
 * tail. Three of three, the three minutes target tracking itself waits before it scales out, keep the
 * instance through the gaps between studies that a PACS forwards one after another, instead of stopping
 * and restarting it (an ~8-minute cold start) between them: that stop-start is the flapping avoided. A
 * missing data point counts as not idle. A request in process counts in the backlog, so scale-in never
 * cuts one off.
 */
export const SCALE_IN = { periodSeconds: 60, idlePeriods: 3 } as const;

/**
 * Seconds an idle GPU instance stays billed after its last request: the idle periods, up to one more
 * period for the last data point to arrive and the alarm to act, and about a minute for SageMaker to stop
 * the instance.
 */
export const GPU_IDLE_TAIL_SECONDS = (SCALE_IN.idlePeriods + 1) * SCALE_IN.periodSeconds + 60;

/** Retention of every log group, days. */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

/**
 * Studies-bucket lifecycle (lib/constructs/storage.ts).
 *
 * Originals under incoming/ move to S3 Glacier Instant Retrieval after `originalsTransitionDays`: it keeps
 * millisecond reads, so a rerun from the originals works as before and pays $0.03/GB retrieved, at about a
 * sixth of Standard's storage price; it bills at least 90 days per object and does not take objects under
 * 128 KB (a lifecycle rule leaves those, the clinical file and the manifest, in Standard):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html.
 * 30 days keeps a month's studies, the ones most often rerun, in Standard.
 *
 * They expire after `originalsExpiryDays` (365). The pipeline is not the hospital's archive: the PACS keeps
 * the images and the studies table keeps each result. After expiry a study can no longer be rerun or
 * rescored from its upload (a rescore reads the work/ artifacts, which expire after workRetentionDays):
 * it must be uploaded again. `never` keeps them, and storage then grows by every study's originals.
 * Versions that an upload overwrote or deleted (the bucket is versioned) are kept `noncurrentDays` to
 * undo a mistake, then deleted.
 */
export const STORAGE_DEFAULTS = {
  workRetentionDays: 30,
  originalsTransitionDays: 30,
  originalsExpiryDays: 365,
  noncurrentDays: 30,
  /** SageMaker's asynchronous response and failure bodies under inference-output/ (nothing reads them). */
  inferenceOutputRetentionDays: 7,
} as const;

/** The storage class originals move to (the S3 API name; lib/ maps it to CDK's StorageClass). */
export const ORIGINALS_STORAGE_CLASS = 'GLACIER_IR';
/** Glacier Instant Retrieval's minimum billed storage duration, days. */
export const ORIGINALS_CLASS_MINIMUM_DAYS = 90;
