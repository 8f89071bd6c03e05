import { STUDY_STATUSES, type StudyStatus } from '../core/study/status';
import type { StudyView } from '../local/api-client';

/** The parts of a stored result a person reads first (docs/openapi.yaml, Result). */
interface ResultSummary {
  probability?: number;
  riskLevel?: string;
  riskThresholds?: { moderate: number; high: number };
  topFactors?: { text: string }[];
  label?: string;
  synthetic?: boolean;
  notice?: string;
  missingFeatures?: string[];
  missingInputs?: { feature: string; source: string; path: string; reason: string }[];
  model?: { name: string; version: string };
  scores?: Record<
    string,
    { name: string; value: number; max?: number; partial?: boolean; upperBound?: number }
  >;
}

/** Stages the study entered, in pipeline order, with when. */
export function enteredStages(study: StudyView): { status: StudyStatus; at: string }[] {
  return STUDY_STATUSES.flatMap((status) => {
    const at = study.stages[status];
    return at === undefined ? [] : [{ status, at }];
  });
}

/** One line per stage for the progress display: `VALIDATING  +3 s`. */
export function stageLine(
  studyId: string,
  stage: { status: StudyStatus; at: string },
  since: string,
): string {
  const seconds = Math.max(0, Math.round((Date.parse(stage.at) - Date.parse(since)) / 1000));
  return `${studyId}: ${stage.status.padEnd(10)} +${seconds} s`;
}

/** The study for a person: its status, and the result or the failure. No clinical values. */
export function formatStudy(study: StudyView): string {
  const lines = [`study ${study.studyId}: ${study.status} (updated ${study.updatedAt})`];
  if (study.error)
    lines.push(`failed at ${study.error.stage} with ${study.error.code}:`, indent(study.error.message));
  const result = study.result as ResultSummary | undefined;
  if (result?.probability !== undefined) {
    const percent = (p: number) => `${(p * 100).toFixed(0)} %`;
    const bands = result.riskThresholds
      ? `; moderate from ${percent(result.riskThresholds.moderate)}, high from ${percent(result.riskThresholds.high)}`
      : '';
    lines.push(
      `probability of severe acute pancreatitis: ${percent(result.probability)} (${result.riskLevel} risk${bands})`,
    );
    // The notice names every synthetic model; a result stored before it had one has the fusion label only.
    const synthetic = result.notice ?? result.label;
    if (synthetic) lines.push(`NOTE: ${synthetic}`);
    if (result.topFactors?.length) lines.push('why:', ...result.topFactors.map((f) => `  ${f.text}`));
    lines.push(...missingInputLines(result));
    const scores = Object.values(result.scores ?? {}).map(describeScore);
    if (scores.length) lines.push(`classic scores: ${scores.join(', ')}`);
    if (result.model) lines.push(`model: ${result.model.name} ${result.model.version}`);
  }
  if (study.reportUrl) lines.push(`report (link valid 15 min): ${study.reportUrl}`);
  return lines.join('\n');
}

/** The model inputs scored as missing, each with why (a result stored before reasons lists names). */
function missingInputLines(result: ResultSummary): string[] {
  const inputs =
    result.missingInputs?.map((m) => `  ${m.feature} (${m.source} ${m.path}): ${m.reason}`) ??
    result.missingFeatures?.map((feature) => `  ${feature}`) ??
    [];
  return inputs.length > 0 ? ['inputs missing (scored as missing, never as 0):', ...inputs] : [];
}

function describeScore(score: {
  name: string;
  value: number;
  max?: number;
  partial?: boolean;
  upperBound?: number;
}) {
  const max = score.max !== undefined ? `/${score.max}` : '';
  const partial = score.partial ? ` (inputs missing: up to ${score.upperBound})` : '';
  return `${score.name} ${score.value}${max}${partial}`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
