import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CsvError, readCsvTable } from '../core/batch/csv';
import { importanceBarSvg } from '../core/charts';
import { loadFusionModel } from '../core/fusion/load-model';
import { readModelCard } from '../core/fusion/model-card';
import { featureImportance } from '../core/xgboost';
import { readCohort, type CohortModel } from '../local/evaluate/cohort';
import { evaluateCohort } from '../local/evaluate/evaluate';
import { clearEvaluation, writeEvaluation } from '../local/evaluate/outputs';
import { evaluationCharts, evaluationHtml } from '../local/evaluate/report';
import { TableInputError } from '../local/evaluate/table-input';
import { EXIT, reportError, type CommandContext, usageError } from './io';
import { modelCardFile, type ModelCardOption } from './model-card-option';

export interface EvaluateInput extends ModelCardOption {
  cohortCsv: string;
  outcome: string;
  out: string;
}

/**
 * `sap evaluate`: the model against BISAP, Ranson, MCTSI, SIRS, Glasgow-Imrie and APACHE II on a cohort:
 * AUC with DeLong CIs and paired tests, operating points, calibration, decision curve; charts as SVG and one
 * HTML report in --out (default ./evaluation). The run first removes its own files from --out, so a failed
 * run leaves none of an earlier one.
 */
export async function evaluateCommand(input: EvaluateInput, ctx: CommandContext): Promise<number> {
  const { cohortCsv: file, out } = input;
  const outProblem = await clearEvaluation(out);
  if (outProblem) return usageError(ctx, outProblem);
  const cardFile = modelCardFile(input);
  let model: CohortModel | undefined;
  let modelName: string | undefined;
  let cutoff: number | undefined;
  let importance: string | undefined;
  if (cardFile) {
    const cardJson = JSON.parse(await readFile(cardFile, 'utf8')) as unknown;
    const card = readModelCard(cardJson, cardFile);
    model = { cardJson, bytes: await readFile(path.join(path.dirname(cardFile), card.file)), cardFile };
    modelName = `${card.name} ${card.version}`;
    cutoff = card.riskThresholds.high;
    importance = importanceBarSvg({
      title: `What the model relies on: ${modelName}`,
      importanceType: 'total_gain',
      values: featureImportance(loadFusionModel(cardJson, model.bytes).model, 'total_gain'),
      labels: Object.fromEntries(card.features.map((f) => [f.name, f.label ?? f.name])),
      footnote: card.syntheticDemo ? 'Synthetic demo model, not for clinical use.' : undefined,
    });
  }
  let cohort;
  try {
    cohort = readCohort(readCsvTable(await readFile(file, 'utf8'), file), {
      file,
      outcome: input.outcome,
      model,
    });
  } catch (error) {
    if (!(error instanceof CsvError || error instanceof TableInputError)) throw error;
    reportError(
      ctx,
      error.name,
      `${error.message}\nNo report written; ${out} holds none from an earlier run.`,
    );
    return EXIT.rejected;
  }
  if (!modelName && cohort.systems.model) modelName = 'model';
  const evaluation = evaluateCohort(cohort, modelName, cutoff);
  const charts = { ...evaluationCharts(evaluation), importance };
  await writeEvaluation(out, {
    'evaluation.json': JSON.stringify(evaluation, null, 2),
    'roc.svg': charts.roc,
    'calibration.svg': charts.calibration,
    'decision-curve.svg': charts.decisionCurve,
    'importance.svg': charts.importance,
    'report.html': evaluationHtml(evaluation, charts),
  });
  if (ctx.json) {
    ctx.io.out(JSON.stringify(evaluation, null, 2));
    return EXIT.ok;
  }
  for (const warning of evaluation.warnings) ctx.io.err(`warning: ${warning}`);
  for (const s of evaluation.systems) {
    const vs = s.versusModel;
    const paired = !vs
      ? ''
      : 'reason' in vs
        ? '; against the model: not estimable'
        : `; model − ${s.name} ${vs.difference.toFixed(3)} [${vs.ci[0].toFixed(3)}, ${vs.ci[1].toFixed(3)}] on ${vs.patients} patients (${vs.events} with SAP)`;
    ctx.io.out(
      `${s.name.padEnd(24)} AUC ${s.auc.auc.toFixed(3)} [${s.auc.ci[0].toFixed(3)}–${s.auc.ci[1].toFixed(3)}]  (${s.missing} missing)${paired}`,
    );
  }
  for (const s of evaluation.notEstimable) ctx.io.out(`${s.name.padEnd(24)} not estimable: ${s.reason}`);
  ctx.io.out(`report: ${path.join(out, 'report.html')}`);
  return EXIT.ok;
}
