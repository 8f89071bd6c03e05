import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { estimateCost, type CostEstimate, type CostInput } from '../core/cost/estimate';
import { SCALE_TO_ZERO } from '../core/cost/gpu-uptime';
import { PRICE_TABLES, priceTableSchema, type PriceTable } from '../core/cost/prices';
import { GPU_SECONDS_PER_STUDY, studyUsage } from '../core/cost/usage';
import { EXIT, type CommandContext, usageError } from './io';
import { describeOptionErrors } from './option-errors';

/** The options as commander gives them (strings; defaults in cli/commands.ts), checked here. */
const optionsSchema = z.object({
  studiesPerDay: z.coerce.number().min(0),
  region: z.string(),
  instance: z.string().regex(/^ml\./, 'a SageMaker instance type such as ml.g5.xlarge'),
  arrivalHours: z.coerce.number().gt(0).max(24),
  gpuSeconds: z.coerce.number().gt(0).default(GPU_SECONDS_PER_STUDY),
  retentionMonths: z.coerce.number().min(0),
  workRetentionDays: z.coerce.number().min(1),
  prices: z.string().optional(),
  alwaysOn: z.boolean().default(false),
  table: z.boolean().default(false),
});

/** `sap cost`: monthly and per-study cost of one region's stack, from measured stage use and list prices. */
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
  if (prices.data.sagemakerHourly[o.instance] === undefined)
    return usageError(
      ctx,
      `no ${prices.data.region} price for ${o.instance}; known: ${Object.keys(prices.data.sagemakerHourly).join(', ')}`,
    );
  const input = (studiesPerDay: number, scaleToZero: boolean): CostInput => ({
    studiesPerDay,
    scaleToZero,
    instanceType: o.instance,
    arrivalHours: o.arrivalHours,
    retentionMonths: o.retentionMonths,
    workRetentionDays: o.workRetentionDays,
    usage: studyUsage({ gpuSeconds: o.gpuSeconds, polls: 10 }),
    prices: prices.data!,
  });

  if (o.table) {
    const rows = [10, 100, 1000].map((n) => ({
      studiesPerDay: n,
      scaleToZero: estimateCost(input(n, true)),
      alwaysOn: estimateCost(input(n, false)),
    }));
    ctx.io.out(ctx.json ? JSON.stringify(rows, null, 2) : costTable(rows, prices.data, o.instance));
    return EXIT.ok;
  }
  const estimate = estimateCost(input(o.studiesPerDay, !o.alwaysOn));
  ctx.io.out(
    ctx.json
      ? JSON.stringify(
          { prices: { region: prices.data.region, asOf: prices.data.asOf }, ...estimate },
          null,
          2,
        )
      : describe(estimate, o.studiesPerDay, prices.data, o.instance),
  );
  return EXIT.ok;
}

const usd = (v: number) => (v >= 100 ? `$${v.toFixed(0)}` : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(3)}`);

function describe(e: CostEstimate, perDay: number, prices: PriceTable, instance: string): string {
  const lines = [
    `${perDay} studies/day in ${prices.region} on ${instance} (${prices.asOf})`,
    `  monthly ${usd(e.monthlyTotal)}, per study ${usd(e.perStudy)}, GPU ${e.gpuHoursPerMonth.toFixed(0)} instance-hours/month`,
    ...Object.entries(e.monthly).map(([line, v]) => `    ${line.padEnd(14)}${usd(v)}`),
  ];
  lines.push(
    e.coldStarts
      ? `  scale to zero: ~${e.coldStarts.perDay.toFixed(1)} instance starts/day; the first study after an idle spell waits ~${e.coldStarts.delaySeconds / 60} min for the GPU`
      : '  always on: no cold start',
  );
  return lines.join('\n');
}

function costTable(
  rows: { studiesPerDay: number; scaleToZero: CostEstimate; alwaysOn: CostEstimate }[],
  prices: PriceTable,
  instance: string,
): string {
  return [
    `| studies/day | scale to zero: month | per study | GPU starts/day | always on: month | per study |`,
    `|---|---|---|---|---|---|`,
    ...rows.map(
      (r) =>
        `| ${r.studiesPerDay} | ${usd(r.scaleToZero.monthlyTotal)} | ${usd(r.scaleToZero.perStudy)} | ${r.scaleToZero.coldStarts!.perDay.toFixed(1)} | ${usd(r.alwaysOn.monthlyTotal)} | ${usd(r.alwaysOn.perStudy)} |`,
    ),
    '',
    `${prices.region}, ${instance}, ${prices.asOf}; a cold start makes the first study after an idle spell wait ~${SCALE_TO_ZERO.coldStartSeconds / 60} min. \`sap cost --table\` printed this.`,
  ].join('\n');
}
