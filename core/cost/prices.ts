import { z } from 'zod';

/**
 * On-demand list prices, USD, that the cost model uses. Prices change and differ per region: a hospital
 * passes its own table (`sap cost --prices F.json`, same shape) for a region not listed here.
 */
const rate = z.number().min(0);

export const priceTableSchema = z
  .object({
    region: z.string().min(1),
    /** When these prices were read, and from where. */
    asOf: z.string().min(1),
    source: z.string().min(1),
    lambda: z.object({ perGbSecondArm: rate, perMillionRequests: rate }).strict(),
    stepFunctions: z.object({ perThousandTransitions: rate }).strict(),
    /** SageMaker real-time / asynchronous inference instance-hours, per instance type. */
    sagemakerHourly: z.record(z.string(), rate),
    s3: z
      .object({
        perGbMonth: rate,
        perThousandPuts: rate,
        perThousandGets: rate,
        /** S3 Glacier Instant Retrieval storage, where originals move (core/pipeline/deployment-defaults.ts). */
        glacierIrPerGbMonth: rate,
        /** Lifecycle transition requests into Glacier Instant Retrieval, per 1,000 objects. */
        glacierIrPerThousandTransitions: rate,
      })
      .strict(),
    dynamodb: z
      .object({ perMillionWrites: rate, perMillionReads: rate, perGbMonth: rate, pitrPerGbMonth: rate })
      .strict(),
    kms: z.object({ perKeyMonth: rate, perTenThousandRequests: rate }).strict(),
    cloudwatch: z
      .object({
        perGbLogsIngested: rate,
        perGbLogsStoredMonth: rate,
        perMetricMonth: rate,
        perAlarmMonth: rate,
        perDashboardMonth: rate,
      })
      .strict(),
    apiGateway: z.object({ perMillionRestRequests: rate }).strict(),
  })
  .strict();

export type PriceTable = z.infer<typeof priceTableSchema>;

export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  'us-east-1': {
    region: 'us-east-1',
    asOf: '2025 list prices (not re-read here: this machine has no web access)',
    source:
      'aws.amazon.com/{lambda,step-functions,sagemaker-ai,s3,dynamodb,kms,cloudwatch,api-gateway}/pricing, US East (N. Virginia), on-demand, first tier',
    lambda: { perGbSecondArm: 0.0000133334, perMillionRequests: 0.2 },
    stepFunctions: { perThousandTransitions: 0.025 },
    sagemakerHourly: {
      'ml.g4dn.xlarge': 0.736,
      'ml.g4dn.2xlarge': 1.052,
      'ml.g5.xlarge': 1.408,
      'ml.g5.2xlarge': 1.515,
      'ml.g6.xlarge': 1.0064,
    },
    s3: {
      perGbMonth: 0.023,
      perThousandPuts: 0.005,
      perThousandGets: 0.0004,
      glacierIrPerGbMonth: 0.004,
      glacierIrPerThousandTransitions: 0.02,
    },
    dynamodb: { perMillionWrites: 0.625, perMillionReads: 0.125, perGbMonth: 0.25, pitrPerGbMonth: 0.2 },
    kms: { perKeyMonth: 1, perTenThousandRequests: 0.03 },
    cloudwatch: {
      perGbLogsIngested: 0.5,
      perGbLogsStoredMonth: 0.03,
      perMetricMonth: 0.3,
      perAlarmMonth: 0.1,
      perDashboardMonth: 3,
    },
    apiGateway: { perMillionRestRequests: 3.5 },
  },
};
