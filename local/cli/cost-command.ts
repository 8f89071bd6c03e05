import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { estimateCost, type CostEstimate, type CostInput } from '../../core/cost/estimate';
import { SCALE_TO_ZERO } from '../../core/cost/gpu-uptime';
import { PRICE_TABLES, priceTableSchema, type PriceTable } from '../../core/cost/prices';
import { GPU_SECONDS_PER_STUDY, studyUsage } from '../../core/cost/usage';
import { EXIT, reportError, type CommandContext } from './io';

const USAGE =
  'usage: sap cost [--studies-per-day N] [--region R | --prices F.json] [--instance T] [--always-on]\n' +
  '                [--arrival-hours H] [--gpu-seconds S] [--retention-months M] [--table] [--json]';

const optionsSchema = z.object({
  'studies-per-day': z.coerce.number().min(0).default(100),
  region: z.string().default('us-east-1'),
  instance: z
    .string()
    .regex(/^ml\./, 'a SageMaker instance type such as ml.g5.xlarge')
    .default('ml.g5.xlarge'),
  'arrival-hours': z.coerce.number().gt(0).max(24).default(24),
  'gpu-seconds': z.coerce.number().gt(0).default(GPU_SECONDS_PER_STUDY),
  'retention-months': z.coerce.number().min(0).default(12),
  'work-retention-days': z.coerce.number().min(1).default(30),
});

/** `sap cost`: monthly and per-study cost of one region's stack, from measured stage use and list prices. */
export async function costCommand(args: string[], ctx: CommandContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        'studies-per-day': { type: 'string' },
        region: { type: 'string' },
        prices: { type: 'string' },
        instance: { type: 'string' },
        'always-on': { type: 'boolean', default: false },
        'arrival-hours': { type: 'string' },
        'gpu-seconds': { type: 'string' },
        'retention-months': { type: 'string' },
        'work-retention-days': { type: 'string' },
        table: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    reportError(ctx, 'USAGE', `${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const { values } = parsed;
  const options = optionsSchema.safeParse(values);
  if (!options.success) {
    reportError(ctx, 'USAGE', `${z.prettifyError(options.error)}\n${USAGE}`);
    return EXIT.usage;
  }
  const o = options.data;
  const prices = values.prices
    ? priceTableSchema.safeParse(JSON.parse(await readFile(values.prices, 'utf8')))
    : { success: true as const, data: PRICE_TABLES[o.region] };
  if (!prices.success) {
    reportError(ctx, 'USAGE', `${values.prices}: ${z.prettifyError(prices.error)}`);
    return EXIT.usage;
  }
  if (!prices.data) {
    reportError(
      ctx,
      'USAGE',
      `no committed prices for ${o.region} (have: ${Object.keys(PRICE_TABLES).join(', ')}); pass --prices F.json`,
    );
    return EXIT.usage;
  }
  if (prices.data.sagemakerHourly[o.instance] === undefined) {
    reportError(
      ctx,
      'USAGE',
      `no ${prices.data.region} price for ${o.instance}; known: ${Object.keys(prices.data.sagemakerHourly).join(', ')}`,
    );
    return EXIT.usage;
  }
  const input = (studiesPerDay: number, scaleToZero: boolean): CostInput => ({
    studiesPerDay,
    scaleToZero,
    instanceType: o.instance,
    arrivalHours: o['arrival-hours'],
    retentionMonths: o['retention-months'],
    workRetentionDays: o['work-retention-days'],
    usage: studyUsage({ gpuSeconds: o['gpu-seconds'], polls: 10 }),
    prices: prices.data!,
  });

  if (values.table) {
    const rows = [10, 100, 1000].map((n) => ({
      studiesPerDay: n,
      scaleToZero: estimateCost(input(n, true)),
      alwaysOn: estimateCost(input(n, false)),
    }));
    ctx.io.out(ctx.json ? JSON.stringify(rows, null, 2) : costTable(rows, prices.data, o.instance));
    return EXIT.ok;
  }
  const estimate = estimateCost(input(o['studies-per-day'], !values['always-on']));
  ctx.io.out(
    ctx.json
      ? JSON.stringify(
          { prices: { region: prices.data.region, asOf: prices.data.asOf }, ...estimate },
          null,
          2,
        )
      : describe(estimate, o['studies-per-day'], prices.data, o.instance),
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
