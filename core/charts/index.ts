export { shapWaterfallSvg } from './waterfall';
export type { WaterfallContribution, WaterfallInput, WaterfallRow } from './waterfall';
export { waterfallRows } from './waterfall-rows';
export { importanceBarSvg, IMPORTANCE_MEANING } from './importance';
export type { ImportanceInput, ImportanceType } from './importance';
export { escapeXml } from './svg';
export { lineChartSvg } from './line-chart';
export type { LineChartInput, LineSeries } from './line-chart';
