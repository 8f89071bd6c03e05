import * as path from 'node:path';
import type { TopFactor } from '../../core/fusion/fuse';
import type { ScoreResult } from '../../core/scores';
import type { StageTiming } from '../stack/progress';
import type { DemoOutcome } from './run-demo';

/** The classic scores every result shows beside the model (README, first paragraphs), in this order. */
const SIDE_BY_SIDE = ['bisap', 'ranson', 'mctsi', 'sirs'] as const;

interface StoredResult {
  probability: number;
  riskLevel: string;
  riskThresholds?: { moderate: number; high: number };
  topFactors?: TopFactor[];
  model?: { name: string; version: string };
  label?: string;
  scores?: Partial<Record<string, ScoreResult>>;
}

export function formatStage(timing: Pick<StageTiming, 'stage' | 'seconds' | 'succeeded'>): string {
  return `  ${timing.stage.padEnd(10)} ${timing.seconds.toFixed(1).padStart(6)} s${timing.succeeded ? '' : '  failed'}`;
}

/** The demo's result for people: the probability and why, the classic scores, timings and files. */
export function formatDemoOutcome(outcome: DemoOutcome, cwd = process.cwd()): string[] {
  const { study } = outcome;
  const lines = [
    `Study ${outcome.studyId}: ${study.status} ${outcome.uploadToResultSeconds.toFixed(1)} s after upload`,
  ];
  if (study.error)
    lines.push(`  failed at ${study.error.stage}: ${study.error.code}`, indent(study.error.message, 4));
  const result = study.result as StoredResult | undefined;
  if (result) lines.push('', ...formatResult(result));
  lines.push('', 'Stage timings:', ...outcome.stages.map(formatStage));
  const shown = (file: string | undefined) => {
    if (!file) return 'not written';
    const relative = path.relative(cwd, file);
    return relative && !relative.startsWith('..') ? relative : file;
  };
  lines.push(
    '',
    `Explanation chart: ${shown(outcome.files.explanation)}`,
    `Pancreas mask:     ${shown(outcome.files.mask)}`,
    `Report:            ${shown(outcome.files.report)}`,
    `Sample study:      ${shown(outcome.files.study)}`,
    '',
    'Every model here (U-Net, ResNet50, XGBoost) is synthetic, trained on phantoms: not for clinical use.',
  );
  return lines;
}

function formatResult(result: StoredResult): string[] {
  const thresholds = result.riskThresholds
    ? ` (moderate from ${result.riskThresholds.moderate}, high from ${result.riskThresholds.high})`
    : '';
  const lines = [
    `Probability of severe acute pancreatitis: ${(result.probability * 100).toFixed(1)} %  — ${result.riskLevel} risk${thresholds}`,
  ];
  if (result.model)
    lines.push(
      `  model ${result.model.name} ${result.model.version}${result.label ? ` (${result.label})` : ''}`,
    );
  const factors = result.topFactors ?? [];
  if (factors.length > 0) {
    lines.push('', 'Top factors:');
    for (const factor of factors) lines.push(`  ${factor.direction === 'raises' ? '▲' : '▼'} ${factor.text}`);
  }
  const scores = SIDE_BY_SIDE.map((name) => result.scores?.[name]).filter((s): s is ScoreResult => !!s);
  if (scores.length > 0) {
    lines.push('', 'Classic scores beside it:');
    for (const score of scores) {
      const value = score.partial ? `${score.value}–${score.upperBound} (partial)` : String(score.value);
      const max = score.max !== undefined ? ` / ${score.max}` : '';
      lines.push(
        `  ${score.name.padEnd(8)} ${(value + max).padEnd(20)} ${score.interpretation ?? ''}`.trimEnd(),
      );
    }
  }
  return lines;
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}
