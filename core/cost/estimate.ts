import type { InferenceTier } from '../pipeline/inference-tier';
import { alwaysOnInstances, scaleToZeroUptime, SCALE_TO_ZERO, type ScaleToZeroTiming } from './gpu-uptime';
import type { PriceTable } from './prices';
import { storedOriginals, type StorageSettings } from './storage';
import type { StudyUsage } from './usage';

export interface CostInput {
  /** Which tier runs inference; `usage` must be that tier's (studyUsage({ tier })). */
  tier: InferenceTier;
  studiesPerDay: number;
  instanceType: string;
  scaleToZero: boolean;
  arrivalHours: number;
  /** The studies bucket's lifecycle, as the template sets it. */
  storage: StorageSettings;
  /** What never expires (results in the table; originals with expiry `never`) is counted as it stands after this many months. */
  operatingMonths: number;
  usage: StudyUsage;
  prices: PriceTable;
  timing?: ScaleToZeroTiming;
}

export type CostLine =
  'gpu' | 'lambda' | 'stepFunctions' | 's3' | 'dynamodb' | 'kms' | 'cloudwatch' | 'apiGateway';

export interface CostEstimate {
  tier: InferenceTier;
  studiesPerMonth: number;
  monthly: Record<CostLine, number>;
  monthlyTotal: number;
  perStudy: number;
  gpuHoursPerMonth: number;
  /** What the studies bucket holds once its lifecycle has filled, GB by storage class, and its monthly cost. */
  storage: {
    standardGb: number;
    glacierIrGb: number;
    monthly: { standard: number; glacierIr: number; transitions: number; requests: number };
  };
  /** Scale-to-zero only: expected instance starts per day and the wait the first study of each has. */
  coldStarts?: { perDay: number; delaySeconds: number };
}

/** Average month: 365.25 / 12 days. */
export const DAYS_PER_MONTH = 30.4375;
/** Alarms, custom metrics and dashboards the stack creates (lib/constructs/monitoring.ts). */
const ALARMS = 6;
/**
 * The GPU endpoint's scaling alarms: target tracking's two, and with scale to zero the scale-out-from-zero
 * and idle alarms (lib/constructs/inference-endpoint.ts).
 */
const scalingAlarms = (input: CostInput) => (input.tier === 'cpu' ? 0 : input.scaleToZero ? 4 : 2);
const CUSTOM_METRICS = 12;
/** A study's item with its result and factors, about 4 KB. */
const STUDY_ITEM_GB = 4e-6;

export function estimateCost(input: CostInput): CostEstimate {
  const { studiesPerDay, usage, prices } = input;
  const timing = input.timing ?? SCALE_TO_ZERO;
  const studies = studiesPerDay * DAYS_PER_MONTH;
  const hourly = prices.sagemakerHourly[input.instanceType];
  if (hourly === undefined && input.tier === 'gpu')
    throw new Error(
      `no ${prices.region} price for ${input.instanceType}; known: ${Object.keys(prices.sagemakerHourly).join(', ')}`,
    );

  // The CPU tier has no endpoint: its inference is Lambda time, counted with the other functions.
  let gpuHoursPerDay = 0;
  let coldStarts: CostEstimate['coldStarts'];
  if (input.tier === 'gpu' && input.scaleToZero) {
    const up = scaleToZeroUptime({
      studiesPerDay,
      gpuSecondsPerStudy: usage.gpuSeconds,
      arrivalHours: input.arrivalHours,
      timing,
    });
    gpuHoursPerDay = up.instanceSecondsPerDay / 3600;
    coldStarts = { perDay: up.startsPerDay, delaySeconds: timing.coldStartSeconds };
  } else if (input.tier === 'gpu') {
    gpuHoursPerDay = 24 * alwaysOnInstances(studiesPerDay, usage.gpuSeconds, input.arrivalHours);
  }
  const gpuHoursPerMonth = gpuHoursPerDay * DAYS_PER_MONTH;

  const gbSeconds = usage.lambdas.reduce((s, l) => s + (l.memoryMb / 1024) * l.seconds * l.invocations, 0);
  const invocations = usage.lambdas.reduce((s, l) => s + l.invocations, 0);
  // Steady state, once each lifecycle period has filled: a day's studies times the days each class keeps them.
  const operatingDays = input.operatingMonths * DAYS_PER_MONTH;
  const originals = storedOriginals(input.storage, operatingDays);
  const standardGb =
    studiesPerDay *
    (usage.originalsGb * originals.standardDays + usage.workGb * input.storage.workRetentionDays);
  const glacierIrGb = studiesPerDay * usage.originalsGb * originals.glacierIrDays;
  const storage: CostEstimate['storage'] = {
    standardGb,
    glacierIrGb,
    monthly: {
      standard: standardGb * prices.s3.perGbMonth,
      glacierIr: glacierIrGb * prices.s3.glacierIrPerGbMonth,
      transitions: originals.transitioned
        ? ((studies * usage.originalsObjects) / 1000) * prices.s3.glacierIrPerThousandTransitions
        : 0,
      requests:
        ((studies * usage.s3Puts) / 1000) * prices.s3.perThousandPuts +
        ((studies * usage.s3Gets) / 1000) * prices.s3.perThousandGets,
    },
  };
  const tableGb = studies * input.operatingMonths * STUDY_ITEM_GB;
  const logsGb = studies * usage.logGb;
  // Log groups keep each day's logs logRetentionDays, or as long as the stack has run.
  const storedLogsGb = studiesPerDay * usage.logGb * Math.min(input.storage.logRetentionDays, operatingDays);

  const monthly: Record<CostLine, number> = {
    gpu: gpuHoursPerMonth * (hourly ?? 0),
    lambda:
      studies *
      (gbSeconds * prices.lambda.perGbSecondArm + (invocations / 1e6) * prices.lambda.perMillionRequests),
    stepFunctions: ((studies * usage.stateTransitions) / 1000) * prices.stepFunctions.perThousandTransitions,
    s3: Object.values(storage.monthly).reduce((a, b) => a + b, 0),
    dynamodb:
      ((studies * usage.dynamoWrites) / 1e6) * prices.dynamodb.perMillionWrites +
      ((studies * usage.dynamoReads) / 1e6) * prices.dynamodb.perMillionReads +
      tableGb * (prices.dynamodb.perGbMonth + prices.dynamodb.pitrPerGbMonth),
    kms: prices.kms.perKeyMonth + ((studies * usage.kmsRequests) / 1e4) * prices.kms.perTenThousandRequests,
    cloudwatch:
      logsGb * prices.cloudwatch.perGbLogsIngested +
      storedLogsGb * prices.cloudwatch.perGbLogsStoredMonth +
      (ALARMS + scalingAlarms(input)) * prices.cloudwatch.perAlarmMonth +
      CUSTOM_METRICS * prices.cloudwatch.perMetricMonth +
      prices.cloudwatch.perDashboardMonth,
    apiGateway: ((studies * usage.apiRequests) / 1e6) * prices.apiGateway.perMillionRestRequests,
  };
  const monthlyTotal = Object.values(monthly).reduce((a, b) => a + b, 0);
  return {
    tier: input.tier,
    studiesPerMonth: studies,
    monthly,
    monthlyTotal,
    perStudy: studies > 0 ? monthlyTotal / studies : 0,
    gpuHoursPerMonth,
    storage,
    ...(coldStarts ? { coldStarts } : {}),
  };
}
