import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH, estimateCost, type CostInput } from '../../core/cost/estimate';
import { PRICE_TABLES } from '../../core/cost/prices';
import { storedOriginals } from '../../core/cost/storage';
import { compareTiers, type TierComparisonInput } from '../../core/cost/tiers';
import { studyUsage } from '../../core/cost/usage';
import { FUNCTIONS } from '../../core/pipeline/functions';
import { CPU_INFERENCE } from '../../core/pipeline/steps';

const prices = PRICE_TABLES['us-east-1']!;
const timing = { coldStartSeconds: 480, idleTailSeconds: 300 };
const storage = {
  workRetentionDays: 30,
  logRetentionDays: 365,
  originalsTransitionDays: 30,
  originalsExpiryDays: 365,
} as const;
const shared = {
  instanceType: 'ml.g4dn.xlarge',
  scaleToZero: true,
  arrivalHours: 24,
  storage,
  operatingMonths: 12,
  prices,
  timing,
};
const input = (overrides: Partial<CostInput>): CostInput => ({
  ...shared,
  tier: 'gpu',
  studiesPerDay: 10,
  usage: studyUsage({ gpuSeconds: 19, polls: 10 }),
  ...overrides,
});
const comparison = (overrides: Partial<TierComparisonInput>) =>
  compareTiers({
    ...shared,
    studiesPerDay: 100,
    gpuSecondsPerStudy: 19,
    cpuSecondsPerStudy: 120,
    polls: 10,
    ...overrides,
  });

describe('originals by storage class', () => {
  it('30 days in Standard, then Glacier Instant Retrieval until expiry at 365', () => {
    expect(storedOriginals(storage, 365)).toEqual({
      standardDays: 30,
      glacierIrDays: 335,
      transitioned: true,
    });
  });

  it('bills Glacier Instant Retrieval 90 days however early the originals expire', () => {
    expect(storedOriginals({ ...storage, originalsExpiryDays: 60 }, 365)).toMatchObject({
      glacierIrDays: 90,
    });
  });

  it('without a transition everything stays in Standard; without expiry, the operating months count', () => {
    expect(storedOriginals({ ...storage, originalsTransitionDays: 'never' }, 365)).toEqual({
      standardDays: 365,
      glacierIrDays: 0,
      transitioned: false,
    });
    expect(storedOriginals({ ...storage, originalsExpiryDays: 'never' }, 730)).toEqual({
      standardDays: 30,
      glacierIrDays: 700,
      transitioned: true,
    });
  });

  it('prices each class, and each moved slice, by hand', () => {
    const usage = studyUsage({ gpuSeconds: 19, polls: 10 });
    const e = estimateCost(input({ usage }));
    // 10 studies a day: originals 30 days in Standard and 335 in Glacier IR, work/ 30 days.
    const standardGb = 10 * (usage.originalsGb * 30 + usage.workGb * 30);
    const glacierGb = 10 * usage.originalsGb * 335;
    expect(e.storage.standardGb).toBeCloseTo(standardGb, 9);
    expect(e.storage.glacierIrGb).toBeCloseTo(glacierGb, 9);
    expect(e.storage.monthly.standard).toBeCloseTo(standardGb * 0.023, 9);
    expect(e.storage.monthly.glacierIr).toBeCloseTo(glacierGb * 0.004, 9);
    expect(e.storage.monthly.transitions).toBeCloseTo(((10 * DAYS_PER_MONTH * 300) / 1000) * 0.02, 9);
    expect(e.monthly.s3).toBeCloseTo(
      Object.values(e.storage.monthly).reduce((a, b) => a + b),
      9,
    );
  });
});

describe('the CPU tier', () => {
  it('has no endpoint: no GPU line and no cold starts', () => {
    const e = estimateCost(
      input({ tier: 'cpu', usage: studyUsage({ tier: 'cpu', gpuSeconds: 0, cpuSeconds: 120, polls: 10 }) }),
    );
    expect(e.monthly.gpu).toBe(0);
    expect(e.gpuHoursPerMonth).toBe(0);
    expect(e.coldStarts).toBeUndefined();
  });

  it('runs Infer at the CPU function’s memory for the inference seconds, and needs no callback, by hand', () => {
    expect(FUNCTIONS.InferCpu.memoryMb).toBe(CPU_INFERENCE.memoryMb);
    const gpu = estimateCost(input({}));
    const cpu = estimateCost(
      input({ tier: 'cpu', usage: studyUsage({ tier: 'cpu', gpuSeconds: 0, cpuSeconds: 120, polls: 10 }) }),
    );
    // GPU tier: Infer 0.25 GB · 0.5 s and the callback 0.25 GB · 0.3 s; CPU tier: 10 GB · 120 s, one request fewer.
    const gbSeconds = (CPU_INFERENCE.memoryMb / 1024) * 120 - 0.25 * 0.5 - 0.25 * 0.3;
    const studies = 10 * DAYS_PER_MONTH;
    expect(cpu.monthly.lambda - gpu.monthly.lambda).toBeCloseTo(
      studies * (gbSeconds * 0.0000133334 - (1 / 1e6) * 0.2),
      8,
    );
    expect(cpu.monthly.stepFunctions).toBeLessThan(gpu.monthly.stepFunctions);
    // Without an endpoint, none of its four scaling alarms.
    expect(gpu.monthly.cloudwatch - cpu.monthly.cloudwatch).toBeCloseTo(4 * 0.1, 9);
  });

  it('keeps a year of logs at the log groups’ retention, by hand', () => {
    const usage = studyUsage({ gpuSeconds: 19, polls: 10 });
    const [year, week] = [365, 7].map(
      (logRetentionDays) =>
        estimateCost(input({ usage, storage: { ...storage, logRetentionDays } })).monthly.cloudwatch,
    );
    expect(year! - week!).toBeCloseTo(10 * usage.logGb * (365 - 7) * 0.03, 12);
  });
});

describe('tier comparison', () => {
  it('times each tier to its result: steps plus inference, and the GPU’s cold-start share', () => {
    const c = comparison({});
    expect(c.options.cpu.timeToResult).toEqual({ meanSeconds: 6 + 4 + 2 + 120, worstSeconds: 132 });
    const share = c.options.gpu.estimate.coldStarts!.perDay / 100;
    expect(c.options.gpu.timeToResult.meanSeconds).toBeCloseTo(12 + 0.5 + 19 + share * 480, 9);
    expect(c.options.gpu.timeToResult.worstSeconds).toBe(12 + 0.5 + 19 + 480);
  });

  it('recommends the cheaper tier', () => {
    const c = comparison({});
    expect(c.options.cpu.estimate.perStudy).toBeLessThan(c.options.gpu.estimate.perStudy * 0.95);
    expect(c.recommended).toBe('cpu');
    expect(c.reason).toMatch(/cpu costs less/);
  });

  it('recommends the GPU when CPU inference leaves too little of the function’s timeout', () => {
    const c = comparison({ cpuSecondsPerStudy: 0.8 * CPU_INFERENCE.timeoutSeconds });
    expect(c.options.cpu.unfit).toMatch(/900 s timeout/);
    expect(c.recommended).toBe('gpu');
    expect(
      comparison({ cpuSecondsPerStudy: 0.7 * CPU_INFERENCE.timeoutSeconds }).options.cpu.unfit,
    ).toBeUndefined();
  });

  it('recommends the faster tier when both cost within 5 %', () => {
    // At 1000 studies a day the GPU instance is hardly ever idle, and costs about what the CPU tier does.
    const c = comparison({ studiesPerDay: 1000, cpuSecondsPerStudy: 120 });
    const [gpu, cpu] = [c.options.gpu.estimate.perStudy, c.options.cpu.estimate.perStudy];
    expect(Math.abs(gpu - cpu)).toBeLessThanOrEqual(0.05 * Math.max(gpu, cpu));
    expect(c.recommended).toBe('gpu');
    expect(c.reason).toMatch(/sooner/);
    expect(c.options.gpu.timeToResult.meanSeconds).toBeLessThan(c.options.cpu.timeToResult.meanSeconds);
  });
});
