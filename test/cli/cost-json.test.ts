import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { SCALE_TO_ZERO } from '../../core/cost/gpu-uptime';
import { CPU_INFERENCE_SECONDS_PER_STUDY } from '../../core/cost/usage';
import {
  DEFAULT_GPU_INSTANCE_TYPE,
  DEFAULT_LOG_RETENTION_DAYS,
  STORAGE_DEFAULTS,
} from '../../core/pipeline/deployment-defaults';
import { CPU_INFERENCE } from '../../core/pipeline/steps';

interface TierJson {
  monthlyTotal: number;
  perStudy: number;
  perStudyByLine: Record<string, number>;
  timeToResult: { meanSeconds: number; worstSeconds: number };
}

async function costJson(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['cost', '--json', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  expect(err.join('\n')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join('\n'));
}

describe('sap cost --json', () => {
  it('gives both tiers, the recommendation and the per-study figures', async () => {
    const json = await costJson(['--studies-per-day', '100']);
    expect(json.studiesPerDay).toBe(100);
    expect(Object.keys(json.tiers).sort()).toEqual(['cpu', 'gpu']);
    for (const tier of Object.values(json.tiers) as TierJson[]) {
      expect(tier.perStudy).toBeCloseTo(tier.monthlyTotal / json.studiesPerMonth, 9);
      const byLine = Object.values(tier.perStudyByLine).reduce((a, b) => a + b);
      expect(byLine).toBeCloseTo(tier.perStudy, 9);
      expect(tier.timeToResult.meanSeconds).toBeGreaterThan(0);
      expect(tier.timeToResult.worstSeconds).toBeGreaterThanOrEqual(tier.timeToResult.meanSeconds);
    }
    expect(json.tiers.cpu.monthly.gpu).toBe(0);
    expect(json.tiers.gpu.coldStarts.perDay).toBeGreaterThan(0);
    expect(['gpu', 'cpu']).toContain(json.recommended);
    expect(json.reason).toEqual(expect.any(String));
    const other = json.recommended === 'gpu' ? 'cpu' : 'gpu';
    expect(json.tiers[json.recommended].perStudy).toBeLessThanOrEqual(json.tiers[other].perStudy * 1.05);
  });

  // Issue #20's targets, with the template's own settings and the realistic models' CPU time.
  it.each([
    [100, 0.05],
    [10, 0.25],
  ])('recommends a tier within the target at %i studies a day (≤ $%f per study)', async (perDay, target) => {
    const json = await costJson(['--studies-per-day', String(perDay)]);
    expect(json.tiers[json.recommended].perStudy).toBeLessThanOrEqual(target);
  });

  it('states the settings it priced: the deployment defaults unless told otherwise', async () => {
    const json = await costJson([]);
    expect(json.settings).toMatchObject({
      instanceType: DEFAULT_GPU_INSTANCE_TYPE,
      scaleToZero: true,
      idleTailSeconds: SCALE_TO_ZERO.idleTailSeconds,
      cpuMemoryMb: CPU_INFERENCE.memoryMb,
      cpuModelSize: 'realistic',
      cpuSecondsPerStudy: CPU_INFERENCE_SECONDS_PER_STUDY.realistic,
      storage: {
        workRetentionDays: STORAGE_DEFAULTS.workRetentionDays,
        logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
        originalsTransitionDays: STORAGE_DEFAULTS.originalsTransitionDays,
        originalsExpiryDays: STORAGE_DEFAULTS.originalsExpiryDays,
      },
    });
    expect(json.prices).toMatchObject({ region: 'us-east-1', asOf: expect.any(String) });
  });

  it('takes the demo models, and originals kept in Standard for ever, from options', async () => {
    const json = await costJson([
      '--model-size',
      'demo',
      '--originals-transition-days',
      'never',
      '--originals-expiry-days',
      'never',
    ]);
    expect(json.settings.cpuSecondsPerStudy).toBe(CPU_INFERENCE_SECONDS_PER_STUDY.demo);
    expect(json.tiers.gpu.storage.glacierIrGb).toBe(0);
    expect(json.tiers.gpu.storage.monthly.transitions).toBe(0);
  });

  it('--table --json gives 10, 100 and 1000 studies a day', async () => {
    const json = await costJson(['--table']);
    expect(json.rows.map((r: { studiesPerDay: number }) => r.studiesPerDay)).toEqual([10, 100, 1000]);
  });
});
