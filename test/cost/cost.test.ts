import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH, estimateCost, type CostInput } from '../../core/cost/estimate';
import { alwaysOnInstances, scaleToZeroUptime } from '../../core/cost/gpu-uptime';
import { PRICE_TABLES, priceTableSchema } from '../../core/cost/prices';
import { studyUsage } from '../../core/cost/usage';
import { main } from '../../cli/main';

const prices = PRICE_TABLES['us-east-1']!;
const timing = { coldStartSeconds: 480, idleTailSeconds: 1500 };
const input = (overrides: Partial<CostInput>): CostInput => ({
  tier: 'gpu',
  studiesPerDay: 10,
  instanceType: 'ml.g5.xlarge',
  scaleToZero: true,
  arrivalHours: 24,
  storage: {
    workRetentionDays: 30,
    logRetentionDays: 365,
    originalsTransitionDays: 30,
    originalsExpiryDays: 365,
  },
  operatingMonths: 12,
  usage: studyUsage({ gpuSeconds: 10, polls: 10 }),
  prices,
  timing,
  ...overrides,
});

describe('GPU uptime with scale to zero', () => {
  it('one study an hour round the clock: busy time, idle tails and starts by hand', () => {
    // λ = 1/3600 s⁻¹, T = 1500 s: P(gap > T) = e^(−5/12) = 0.659241; E[min(gap, T)] = 3600·(1 − 0.659241).
    const up = scaleToZeroUptime({ studiesPerDay: 24, gpuSecondsPerStudy: 10, arrivalHours: 24, timing });
    expect(up.startsPerDay).toBeCloseTo(24 * 0.659241, 4);
    expect(up.instanceSecondsPerDay).toBeCloseTo(240 + 24 * 3600 * (1 - 0.659241) + 24 * 0.659241 * 480, 0);
  });

  it('no studies cost no GPU time; a busy day is capped at 24 h with at least one start', () => {
    const none = { gpuSecondsPerStudy: 10, arrivalHours: 24, timing };
    expect(scaleToZeroUptime({ studiesPerDay: 0, ...none })).toEqual({
      instanceSecondsPerDay: 0,
      startsPerDay: 0,
    });
    const busy = scaleToZeroUptime({ studiesPerDay: 5000, ...none });
    expect(busy.instanceSecondsPerDay).toBe(86_400);
    expect(busy.startsPerDay).toBe(1);
  });

  it('an always-on endpoint adds instances only when one cannot keep up', () => {
    expect(alwaysOnInstances(1000, 10, 24)).toBe(1);
    expect(alwaysOnInstances(10_000, 10, 24)).toBe(2);
    expect(alwaysOnInstances(10_000, 10, 8)).toBe(4);
  });
});

describe('monthly cost', () => {
  it('an idle month costs the key, the alarms, the metrics and the dashboard', () => {
    const e = estimateCost(input({ studiesPerDay: 0 }));
    expect(e.monthly.gpu).toBe(0);
    expect(e.monthly.kms).toBe(1);
    // Six alarms of the monitoring and the endpoint's four scaling alarms.
    expect(e.monthly.cloudwatch).toBeCloseTo(10 * 0.1 + 12 * 0.3 + 3, 10);
    expect(e.monthlyTotal).toBeCloseTo(1 + 7.6, 10);
    expect(e.perStudy).toBe(0);
  });

  it('always on: one instance for the whole month at the hourly price', () => {
    const e = estimateCost(input({ scaleToZero: false }));
    expect(e.monthly.gpu).toBeCloseTo(24 * DAYS_PER_MONTH * 1.408, 6);
    expect(e.coldStarts).toBeUndefined();
  });

  it('Lambda: GB-seconds of every function at arm64 prices, by hand', () => {
    // StartStudy 0.25 GB·0.3 s, Validate 2.9375·6, Infer 0.25·0.5, Radiomics 2.9375·4, Fuse 2.9375·2,
    // callback 0.25·0.3, API 0.5·0.1·11, failure recorder 0.25·0.3·0.05.
    const gbSeconds = 0.075 + 17.625 + 0.125 + 11.75 + 5.875 + 0.075 + 0.55 + 0.00375;
    const requests = 1 + 4 + 1 + 11 + 0.05;
    const studies = 10 * DAYS_PER_MONTH;
    const e = estimateCost(input({}));
    expect(e.monthly.lambda).toBeCloseTo(studies * (gbSeconds * 0.0000133334 + (requests / 1e6) * 0.2), 8);
  });

  it('scale to zero is cheaper at low volume and converges to always-on at high volume', () => {
    const low = [true, false].map((z) => estimateCost(input({ scaleToZero: z })).monthlyTotal);
    expect(low[0]).toBeLessThan(low[1]! / 3);
    const high = [true, false].map(
      (z) => estimateCost(input({ studiesPerDay: 1000, scaleToZero: z })).monthlyTotal,
    );
    // The same instance time; scale to zero adds its two alarms (leave zero, idle).
    expect(high[0]).toBeCloseTo(high[1]! + 2 * 0.1, 6);
  });

  it('an instance type without a price is refused by name', () => {
    expect(() => estimateCost(input({ instanceType: 'ml.p9.huge' }))).toThrow(
      /no us-east-1 price for ml\.p9\.huge/,
    );
  });
});

describe('sap cost', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['cost', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints the README table for 10, 100 and 1,000 studies a day', async () => {
    const { code, out } = await run(['--table']);
    expect(code).toBe(0);
    expect(out.split('\n').filter((l) => /^\| (10|100|1000) \|/.test(l))).toHaveLength(3);
    expect(out).toContain('cold start');
  });

  it('--json gives the breakdown; unknown regions and bad numbers are usage errors', async () => {
    const json = JSON.parse((await run(['--studies-per-day', '50', '--json'])).out);
    expect(Object.keys(json.tiers.gpu.monthly)).toEqual([
      'gpu',
      'lambda',
      'stepFunctions',
      's3',
      'dynamodb',
      'kms',
      'cloudwatch',
      'apiGateway',
    ]);
    expect(json.tiers.gpu.coldStarts.delaySeconds).toBeGreaterThan(0);
    expect(await run(['--region', 'ap-south-2'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--prices'),
    });
    expect((await run(['--studies-per-day', 'many'])).code).toBe(2);
  });

  it('the committed price table is a valid --prices file', () => {
    expect(priceTableSchema.parse(prices)).toEqual(prices);
  });
});
