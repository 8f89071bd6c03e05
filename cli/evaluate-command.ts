import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { importanceBarSvg } from '../core/charts';
import { loadFusionModel } from '../core/fusion/load-model';
import { modelCardSchema } from '../core/fusion/model-card';
import { featureImportance } from '../core/xgboost';
import { parseCsv, readCohort } from '../local/evaluate/cohort';
import { evaluateCohort } from '../local/evaluate/evaluate';
import { evaluationCharts, evaluationHtml } from '../local/evaluate/report';
import { EXIT, type CommandContext } from './io';
import { modelCardFile, type ModelCardOption } from './model-card-option';

export interface EvaluateInput extends ModelCardOption {
  cohortCsv: string;
  outcome: string;
  out: string;
}

/**
 * `sap evaluate`: the model against BISAP, Ranson, MCTSI, SIRS, Glasgow-Imrie and APACHE II on a cohort:
 * AUC with DeLong CIs and paired tests, operating points, calibration, decision curve; charts as SVG and one
 * HTML report in --out (default ./evaluation).
 */
export async function evaluateCommand(input: EvaluateInput, ctx: CommandContext): Promise<number> {
  const { cohortCsv: file, out } = input;
  const cardFile = modelCardFile(input);
  let model: { cardJson: unknown; bytes: Uint8Array } | undefined;
  let modelName: string | undefined;
  let cutoff: number | undefined;
  let importance: string | undefined;
  if (cardFile) {
    const cardJson = JSON.parse(await readFile(cardFile, 'utf8')) as unknown;
    const card = modelCardSchema.parse(cardJson);
    model = { cardJson, bytes: await readFile(path.join(path.dirname(cardFile), card.file)) };
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
  const rows = parseCsv(await readFile(file, 'utf8'));
  const cohort = readCohort(rows, { outcome: input.outcome, model });
  if (!modelName && cohort.systems.model) modelName = 'model';
  const evaluation = evaluateCohort(cohort, modelName, cutoff);
  const charts = { ...evaluationCharts(evaluation), importance };
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'roc.svg'), charts.roc);
  if (charts.calibration) await writeFile(path.join(out, 'calibration.svg'), charts.calibration);
  if (charts.decisionCurve) await writeFile(path.join(out, 'decision-curve.svg'), charts.decisionCurve);
  if (charts.importance) await writeFile(path.join(out, 'importance.svg'), charts.importance);
  await writeFile(path.join(out, 'report.html'), evaluationHtml(evaluation, charts));
  await writeFile(path.join(out, 'evaluation.json'), JSON.stringify(evaluation, null, 2));
  if (ctx.json) ctx.io.out(JSON.stringify(evaluation, null, 2));
  else {
    for (const s of evaluation.systems) {
      ctx.io.out(
        `${s.name.padEnd(24)} AUC ${s.auc.auc.toFixed(3)} [${s.auc.ci[0].toFixed(3)}–${s.auc.ci[1].toFixed(3)}]  (${s.missing} missing)`,
      );
    }
    ctx.io.out(`report: ${path.join(out, 'report.html')}`);
  }
  return EXIT.ok;
}
