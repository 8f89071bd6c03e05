import { alwaysOnInstances, scaleToZeroUptime, SCALE_TO_ZERO, type ScaleToZeroTiming } from './gpu-uptime';
import type { PriceTable } from './prices';
import type { StudyUsage } from './usage';

export interface CostInput {
  studiesPerDay: number;
  instanceType: string;
  scaleToZero: boolean;
  arrivalHours: number;
  /** Months the originals and results are kept; intermediates expire after workRetentionDays. */
  retentionMonths: number;
  workRetentionDays: number;
  usage: StudyUsage;
  prices: PriceTable;
  timing?: ScaleToZeroTiming;
}

export type CostLine =
  'gpu' | 'lambda' | 'stepFunctions' | 's3' | 'dynamodb' | 'kms' | 'cloudwatch' | 'apiGateway';

export interface CostEstimate {
  studiesPerMonth: number;
  monthly: Record<CostLine, number>;
  monthlyTotal: number;
  perStudy: number;
  gpuHoursPerMonth: number;
  /** Scale-to-zero only: expected instance starts per day and the wait the first study of each has. */
  coldStarts?: { perDay: number; delaySeconds: number };
}

/** Average month: 365.25 / 12 days. */
export const DAYS_PER_MONTH = 30.4375;
/** Alarms, custom metrics and dashboards the stack creates (lib/constructs/monitoring.ts). */
const ALARMS = 6;
const CUSTOM_METRICS = 12;
/** A study's item with its result and factors, about 4 KB. */
const STUDY_ITEM_GB = 4e-6;

export function estimateCost(input: CostInput): CostEstimate {
  const { studiesPerDay, usage, prices } = input;
  const timing = input.timing ?? SCALE_TO_ZERO;
  const studies = studiesPerDay * DAYS_PER_MONTH;
  const hourly = prices.sagemakerHourly[input.instanceType];
  if (hourly === undefined)
    throw new Error(
      `no ${prices.region} price for ${input.instanceType}; known: ${Object.keys(prices.sagemakerHourly).join(', ')}`,
    );

  let gpuHoursPerDay: number;
  let coldStarts: CostEstimate['coldStarts'];
  if (input.scaleToZero) {
    const up = scaleToZeroUptime({
      studiesPerDay,
      gpuSecondsPerStudy: usage.gpuSeconds,
      arrivalHours: input.arrivalHours,
      timing,
    });
    gpuHoursPerDay = up.instanceSecondsPerDay / 3600;
    coldStarts = { perDay: up.startsPerDay, delaySeconds: timing.coldStartSeconds };
  } else {
    gpuHoursPerDay = 24 * alwaysOnInstances(studiesPerDay, usage.gpuSeconds, input.arrivalHours);
  }
  const gpuHoursPerMonth = gpuHoursPerDay * DAYS_PER_MONTH;

  const gbSeconds = usage.lambdas.reduce((s, l) => s + (l.memoryMb / 1024) * l.seconds * l.invocations, 0);
  const invocations = usage.lambdas.reduce((s, l) => s + l.invocations, 0);
  // Steady state, once the retention period has filled: originals and results of `retentionMonths`
  // months are kept, intermediates only until they expire.
  const storedGb =
    studies * usage.originalsGb * input.retentionMonths +
    studies * usage.workGb * (input.workRetentionDays / DAYS_PER_MONTH);
  const tableGb = studies * input.retentionMonths * STUDY_ITEM_GB;
  const logsGb = studies * usage.logGb;

  const monthly: Record<CostLine, number> = {
    gpu: gpuHoursPerMonth * hourly,
    lambda:
      studies *
      (gbSeconds * prices.lambda.perGbSecondArm + (invocations / 1e6) * prices.lambda.perMillionRequests),
    stepFunctions: ((studies * usage.stateTransitions) / 1000) * prices.stepFunctions.perThousandTransitions,
    s3:
      storedGb * prices.s3.perGbMonth +
      ((studies * usage.s3Puts) / 1000) * prices.s3.perThousandPuts +
      ((studies * usage.s3Gets) / 1000) * prices.s3.perThousandGets,
    dynamodb:
      ((studies * usage.dynamoWrites) / 1e6) * prices.dynamodb.perMillionWrites +
      ((studies * usage.dynamoReads) / 1e6) * prices.dynamodb.perMillionReads +
      tableGb * (prices.dynamodb.perGbMonth + prices.dynamodb.pitrPerGbMonth),
    kms: prices.kms.perKeyMonth + ((studies * usage.kmsRequests) / 1e4) * prices.kms.perTenThousandRequests,
    cloudwatch:
      logsGb * (prices.cloudwatch.perGbLogsIngested + prices.cloudwatch.perGbLogsStoredMonth) +
      ALARMS * prices.cloudwatch.perAlarmMonth +
      CUSTOM_METRICS * prices.cloudwatch.perMetricMonth +
      prices.cloudwatch.perDashboardMonth,
    apiGateway: ((studies * usage.apiRequests) / 1e6) * prices.apiGateway.perMillionRestRequests,
  };
  const monthlyTotal = Object.values(monthly).reduce((a, b) => a + b, 0);
  return {
    studiesPerMonth: studies,
    monthly,
    monthlyTotal,
    perStudy: studies > 0 ? monthlyTotal / studies : 0,
    gpuHoursPerMonth,
    ...(coldStarts ? { coldStarts } : {}),
  };
}
