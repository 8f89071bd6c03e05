import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CostEstimate } from '../core/cost/estimate';
import { SCALE_TO_ZERO } from '../core/cost/gpu-uptime';
import { PRICE_TABLES, priceTableSchema, type PriceTable } from '../core/cost/prices';
import { compareTiers, type TierComparison, type TierOption } from '../core/cost/tiers';
import { CPU_INFERENCE_SECONDS_PER_STUDY, gpuSecondsPerStudy } from '../core/cost/usage';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/pipeline/deployment-defaults';
import { FUNCTIONS } from '../core/pipeline/functions';
import { EXIT, type CommandContext, usageError } from './io';
import { describeOptionErrors } from './option-errors';

const days = (min: number) => z.union([z.literal('never'), z.coerce.number().int().min(min)]);

/** The options as commander gives them (strings; defaults in cli/commands.ts), checked here. */
const optionsSchema = z.object({
  studiesPerDay: z.coerce.number().min(0),
  region: z.string(),
  instance: z.string().regex(/^ml\./, 'a SageMaker instance type such as ml.g4dn.xlarge'),
  arrivalHours: z.coerce.number().gt(0).max(24),
  gpuSeconds: z.coerce.number().gt(0).optional(),
  modelSize: z.enum(['demo', 'realistic']).default('realistic'),
  cpuSeconds: z.coerce.number().gt(0).optional(),
  operatingMonths: z.coerce.number().min(0),
  workRetentionDays: z.coerce.number().int().min(1),
  originalsTransitionDays: days(0),
  originalsExpiryDays: days(1),
  prices: z.string().optional(),
  alwaysOn: z.boolean().default(false),
  table: z.boolean().default(false),
});
type CostOptions = z.infer<typeof optionsSchema>;

/** Result polls per study through the API. */
const POLLS = 10;

/**
 * `sap cost`: monthly and per-study cost of one region's stack on the GPU and on the CPU inference tier,
 * each with its time to result, and the recommended tier, from measured stage use, list prices and the
 * template's own settings (core/pipeline/deployment-defaults.ts).
 */
export async function costCommand(given: Record<string, unknown>, ctx: CommandContext): Promise<number> {
  const options = optionsSchema.safeParse(given);
  if (!options.success) return usageError(ctx, describeOptionErrors(options.error));
  const o = options.data;
  const prices = o.prices
    ? priceTableSchema.safeParse(JSON.parse(await readFile(o.prices, 'utf8')))
    : { success: true as const, data: PRICE_TABLES[o.region] };
  if (!prices.success) return usageError(ctx, `${o.prices}: ${z.prettifyError(prices.error)}`);
  if (!prices.data)
    return usageError(
      ctx,
      `no committed prices for ${o.region} (have: ${Object.keys(PRICE_TABLES).join(', ')}); pass --prices F.json`,
    );
  const table = prices.data;
  if (table.sagemakerHourly[o.instance] === undefined)
    return usageError(
      ctx,
      `no ${table.region} price for ${o.instance}; known: ${Object.keys(table.sagemakerHourly).join(', ')}`,
    );
  const settings = costSettings(o);
  const compare = (studiesPerDay: number) =>
    compareTiers({
      studiesPerDay,
      instanceType: o.instance,
      scaleToZero: !o.alwaysOn,
      arrivalHours: o.arrivalHours,
      storage: settings.storage,
      operatingMonths: o.operatingMonths,
      prices: table,
      gpuSecondsPerStudy: settings.gpuSecondsPerStudy,
      cpuSecondsPerStudy: settings.cpuSecondsPerStudy,
      polls: POLLS,
    });

  if (o.table) {
    const rows = [10, 100, 1000].map(compare);
    ctx.io.out(
      ctx.json
        ? JSON.stringify({ prices: priceNote(table), settings, rows: rows.map(toJson) }, null, 2)
        : costTable(rows, table, settings),
    );
    return EXIT.ok;
  }
  const comparison = compare(o.studiesPerDay);
  ctx.io.out(
    ctx.json
      ? JSON.stringify({ prices: priceNote(table), settings, ...toJson(comparison) }, null, 2)
      : describe(comparison, table, settings),
  );
  return EXIT.ok;
}

/** What the figures assume, printed with them. */
function costSettings(o: CostOptions) {
  return {
    instanceType: o.instance,
    scaleToZero: !o.alwaysOn,
    coldStartSeconds: SCALE_TO_ZERO.coldStartSeconds,
    idleTailSeconds: SCALE_TO_ZERO.idleTailSeconds,
    gpuSecondsPerStudy: o.gpuSeconds ?? gpuSecondsPerStudy(o.instance),
    cpuMemoryMb: FUNCTIONS.InferCpu.memoryMb,
    cpuModelSize: o.modelSize,
    cpuSecondsPerStudy: o.cpuSeconds ?? CPU_INFERENCE_SECONDS_PER_STUDY[o.modelSize],
    arrivalHours: o.arrivalHours,
    operatingMonths: o.operatingMonths,
    storage: {
      workRetentionDays: o.workRetentionDays,
      logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
      originalsTransitionDays: o.originalsTransitionDays,
      originalsExpiryDays: o.originalsExpiryDays,
    },
  };
}
type CostSettings = ReturnType<typeof costSettings>;

const priceNote = (prices: PriceTable) => ({
  region: prices.region,
  asOf: prices.asOf,
  source: prices.source,
});

function tierJson(option: TierOption) {
  const e = option.estimate;
  const perStudy = (v: number) => (e.studiesPerMonth > 0 ? v / e.studiesPerMonth : 0);
  return {
    monthlyTotal: e.monthlyTotal,
    perStudy: e.perStudy,
    monthly: e.monthly,
    perStudyByLine: Object.fromEntries(Object.entries(e.monthly).map(([line, v]) => [line, perStudy(v)])),
    timeToResult: option.timeToResult,
    gpuHoursPerMonth: e.gpuHoursPerMonth,
    storage: e.storage,
    ...(e.coldStarts ? { coldStarts: e.coldStarts } : {}),
    ...(option.unfit ? { unfit: option.unfit } : {}),
  };
}

const toJson = (c: TierComparison) => ({
  studiesPerDay: c.studiesPerDay,
  studiesPerMonth: c.options.gpu.estimate.studiesPerMonth,
  tiers: { gpu: tierJson(c.options.gpu), cpu: tierJson(c.options.cpu) },
  recommended: c.recommended,
  reason: c.reason,
});

const usd = (v: number) => (v >= 100 ? `$${v.toFixed(0)}` : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(3)}`);
const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

function tierHeadings(s: CostSettings): [string, string] {
  return [
    `gpu: ${s.instanceType}, ${s.scaleToZero ? 'scale to zero' : 'always on'}`,
    `cpu: Lambda ${s.cpuMemoryMb} MB, ${s.cpuSecondsPerStudy} s/study`,
  ];
}

function describe(c: TierComparison, prices: PriceTable, s: CostSettings): string {
  const { gpu, cpu } = c.options;
  const [gpuHead, cpuHead] = tierHeadings(s);
  const width = Math.max(gpuHead.length, 16) + 2;
  const row = (label: string, g: string, p: string) => `${label.padEnd(24)}${g.padEnd(width)}${p}`;
  const lines = [
    `${c.studiesPerDay} studies/day in ${prices.region} (${prices.asOf})`,
    row('', gpuHead, cpuHead),
    row('per month', usd(gpu.estimate.monthlyTotal), usd(cpu.estimate.monthlyTotal)),
    row('per study', usd(gpu.estimate.perStudy), usd(cpu.estimate.perStudy)),
    ...(Object.keys(gpu.estimate.monthly) as (keyof CostEstimate['monthly'])[]).map((line) =>
      row(`  ${line}`, usd(gpu.estimate.monthly[line]), usd(cpu.estimate.monthly[line])),
    ),
    row('time to result, mean', minutes(gpu.timeToResult.meanSeconds), minutes(cpu.timeToResult.meanSeconds)),
    row(
      'time to result, worst',
      minutes(gpu.timeToResult.worstSeconds),
      minutes(cpu.timeToResult.worstSeconds),
    ),
    row('GPU starts/day', gpu.estimate.coldStarts ? gpu.estimate.coldStarts.perDay.toFixed(1) : '-', '-'),
    `storage: ${gpu.estimate.storage.standardGb.toFixed(0)} GB Standard, ${gpu.estimate.storage.glacierIrGb.toFixed(0)} GB Glacier Instant Retrieval (originals to Glacier IR after ${s.storage.originalsTransitionDays} days, deleted after ${s.storage.originalsExpiryDays}; work/ after ${s.storage.workRetentionDays})`,
    ...(cpu.unfit ? [`cpu: ${cpu.unfit}`] : []),
    `recommended: ${c.recommended} (${c.reason})`,
  ];
  return lines.join('\n');
}

function costTable(rows: TierComparison[], prices: PriceTable, s: CostSettings): string {
  const [gpuHead, cpuHead] = tierHeadings(s);
  return [
    `| studies/day | gpu: month | per study | time to result | cpu: month | per study | time to result | recommended |`,
    `|---|---|---|---|---|---|---|---|`,
    ...rows.map(({ studiesPerDay, options: { gpu, cpu }, recommended }) =>
      [
        studiesPerDay,
        usd(gpu.estimate.monthlyTotal),
        usd(gpu.estimate.perStudy),
        minutes(gpu.timeToResult.meanSeconds),
        usd(cpu.estimate.monthlyTotal),
        usd(cpu.estimate.perStudy),
        minutes(cpu.timeToResult.meanSeconds),
        recommended,
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    ),
    '',
    `${prices.region}, ${prices.asOf}. ${gpuHead} (${s.gpuSecondsPerStudy} GPU s/study; a study that finds no instance waits ~${s.coldStartSeconds / 60} min for a cold start; idle instances stop after ${s.idleTailSeconds / 60} min); ${cpuHead} (${s.cpuModelSize} models). Time to result is the mean. \`sap cost --table\` printed this.`,
  ].join('\n');
}
