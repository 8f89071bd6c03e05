import { lineChartSvg } from '../../core/charts';
import { escapeHtml, htmlPage } from '../../core/report/html';
import type { Comparison, Evaluation, NotEstimable, SystemEvaluation } from './evaluate';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '–');
const num = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

export interface EvaluationCharts {
  roc: string;
  calibration?: string;
  decisionCurve?: string;
  /** The model's global importance (total gain), when the model file was given. */
  importance?: string;
}

export function evaluationCharts(evaluation: Evaluation): EvaluationCharts {
  const roc = lineChartSvg({
    title: 'ROC curves: the model against the classic scores',
    explanation: `Sensitivity against 1 − specificity over every threshold; ${evaluation.patients} patients, ${evaluation.events} with SAP. The dashed diagonal is chance.`,
    xLabel: '1 − specificity',
    yLabel: 'Sensitivity',
    xDomain: [0, 1],
    yDomain: [0, 1],
    identityLine: true,
    series: evaluation.systems.map((s) => ({
      name: `${s.name} (AUC ${num(s.auc.auc)})`,
      points: evaluation.roc[s.name]!.map((p) => [p.fpr, p.tpr] as const),
    })),
  });
  if (!evaluation.calibration || !evaluation.decisionCurve) return { roc };
  const calibration = lineChartSvg({
    title: 'Calibration: predicted against observed risk',
    explanation: `Patients in ${evaluation.calibration.groups} groups of rising predicted probability (${evaluation.calibration.groupRule}); a well calibrated model follows the dashed diagonal.`,
    xLabel: 'Mean predicted probability',
    yLabel: 'Observed proportion with SAP',
    xDomain: [0, 1],
    yDomain: [0, 1],
    identityLine: true,
    series: [
      {
        name: evaluation.model!,
        points: evaluation.calibration.curve.map((b) => [b.meanPredicted, b.observed] as const),
      },
    ],
  });
  const decisionCurve = lineChartSvg({
    title: 'Decision curve: net benefit by threshold probability',
    explanation:
      'Net benefit of acting on the model at each threshold, against treating every patient or none.',
    xLabel: 'Threshold probability',
    yLabel: 'Net benefit',
    xDomain: [0, 1],
    yDomain: [
      Math.min(-0.05, ...evaluation.decisionCurve.map((p) => p.model)),
      Math.max(0.05, evaluation.events / evaluation.patients),
    ],
    series: [
      {
        name: evaluation.model!,
        points: evaluation.decisionCurve.map((p) => [p.threshold, p.model] as const),
      },
      { name: 'Treat all', points: evaluation.decisionCurve.map((p) => [p.threshold, p.treatAll] as const) },
      { name: 'Treat none', points: evaluation.decisionCurve.map((p) => [p.threshold, 0] as const) },
    ],
  });
  return { roc, calibration, decisionCurve };
}

/** One HTML file that opens without a server: tables and the charts inline, nothing fetched. */
export function evaluationHtml(evaluation: Evaluation, charts: EvaluationCharts): string {
  const row = (s: SystemEvaluation) => {
    const cut = s.atCutoff;
    return `<tr><th>${escapeHtml(s.name)}</th><td>${s.patients - s.missing} (${s.auc.nPositive} with SAP; ${s.missing} missing)</td><td>${num(s.auc.auc)} [${num(s.auc.ci[0])}–${num(s.auc.ci[1])}]</td><td>${comparison(s.versusModel)}</td><td>${cut ? `≥ ${cut.threshold}: ${pct(cut.sensitivity)} / ${pct(cut.specificity)} / ${pct(cut.ppv)} / ${pct(cut.npv)}` : '–'}</td><td>≥ ${num(s.atYouden.threshold)}: ${pct(s.atYouden.sensitivity)} / ${pct(s.atYouden.specificity)}</td></tr>`;
  };
  const cal = evaluation.calibration;
  const body = `<h1>Severe acute pancreatitis: model evaluation</h1>
<p>${evaluation.patients} patients, ${evaluation.events} with SAP (revised Atlanta).${evaluation.model ? ` Model: ${escapeHtml(evaluation.model)}.` : ''}</p>
${warningsHtml(evaluation.warnings)}
<h2>Discrimination</h2>
<table><thead><tr><th>system</th><th>patients</th><th>AUC [95 % CI, DeLong]</th><th>model − system [95 % CI], paired DeLong, on the patients both have</th><th>at cut-off: sens / spec / PPV / NPV</th><th>Youden: sens / spec</th></tr></thead>
<tbody>${evaluation.systems.map(row).join('\n')}</tbody></table>
${notEstimableHtml(evaluation.notEstimable)}
${cal ? `<h2>Calibration</h2><p>Brier score ${num(cal.brier)}; calibration intercept ${num(cal.intercept)}, slope ${cal.slope === null ? 'not estimable: the predictions separate the outcomes' : num(cal.slope)} (ideal 0 and 1). The curve has ${cal.groups} groups: ${escapeHtml(cal.groupRule)}.</p>` : ''}
<figure>${charts.roc}</figure>
${charts.calibration ? `<figure>${charts.calibration}</figure>` : ''}
${charts.decisionCurve ? `<figure>${charts.decisionCurve}</figure>` : ''}
${charts.importance ? `<figure>${charts.importance}</figure>` : ''}`;
  return htmlPage({ title: 'SAP model evaluation', body, style: WARNINGS_STYLE });
}

/** The paired test's difference, interval, p and the patients it was computed on, or why it has none. */
function comparison(vs: Comparison | NotEstimable | undefined): string {
  if (!vs) return '–';
  if ('reason' in vs) return `not estimable: ${escapeHtml(vs.reason)}`;
  const p = vs.p < 0.001 ? '< 0.001' : num(vs.p);
  return `${num(vs.difference)} [${num(vs.ci[0])} to ${num(vs.ci[1])}], p = ${p}; on ${vs.patients} patients (${vs.events} with SAP)`;
}

const WARNINGS_STYLE =
  '.warnings{border:2px solid #b45309;background:#fffbeb;padding:0.5em 1em;margin:1em 0}';

/** The warnings first and in a box: they change how every figure below should be read. */
function warningsHtml(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<div role="alert" class="warnings"><strong>Read with care</strong><ul>${warnings
    .map((w) => `<li>${escapeHtml(w)}</li>`)
    .join('')}</ul></div>`;
}

function notEstimableHtml(systems: readonly NotEstimable[]): string {
  if (systems.length === 0) return '';
  return `<h3>Not estimable on this cohort</h3><ul>${systems
    .map((s) => `<li><strong>${escapeHtml(s.name)}</strong>: ${escapeHtml(s.reason)}.</li>`)
    .join('')}</ul>`;
}
