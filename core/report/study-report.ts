import type { FusionResult } from '../fusion/fuse';
import type { NormalisedClinical } from '../ingest/clinical/catalogue';
import type { InferenceResult } from '../inference/result';
import type { Volume } from '../imaging/volume';
import type { ClassicScores } from '../scores';
import type { StudyStatus } from '../study/status';
import { clinicalSection } from './clinical-table';
import { escapeHtml, htmlPage, keyValueTable, REPORT_FOOTER } from './html';
import { reviewMask } from './mask-review';
import { resultFilesSection, type ResultFiles } from './result-files';
import { scoresSection } from './score-tables';
import { SEGMENTATION_STYLE, segmentationSection } from './segmentation-section';

export interface StudyReportInput {
  studyId: string;
  status: StudyStatus;
  /** When this report was made (ISO 8601). */
  generatedAt: string;
  /** The canonical volume (RAS+, int16 HU) and the pancreas mask on its grid. */
  volume: Volume;
  mask: Uint8Array;
  fusion: FusionResult;
  /** The SHAP waterfall the Fuse step made with the result. */
  explanationSvg: string;
  clinical: NormalisedClinical;
  scores: ClassicScores;
  /** inference.json, when it was readable. */
  inference?: InferenceResult;
  /** The files written beside the report (FHIR, DICOM SEG); the section is left out without it. */
  resultFiles?: ResultFiles;
}

const STYLE =
  '.banner{background:#b71c1c;color:#fff;padding:8px 12px;font-weight:bold;margin:12px 0}' +
  '.headline{font-size:22px;margin:8px 0}.risk-high{color:#c62828}.risk-moderate{color:#ef6c00}.risk-low{color:#2e7d32}' +
  'details{margin:8px 0}summary{cursor:pointer;font-weight:bold}' +
  SEGMENTATION_STYLE;

const pct = (p: number) => `${(p * 100).toFixed(0)} %`;

/**
 * The report a clinician checks a study with, as one HTML file that opens offline: the probability of
 * severe acute pancreatitis and why, the classic scores, the clinical values, and the CT with the
 * segmentation the score was computed from. It names the study by its id only: no patient identifiers.
 */
export function studyReportHtml(input: StudyReportInput): string {
  if (input.mask.length !== input.volume.data.length) {
    throw new Error(
      `studyReportHtml: mask of ${input.mask.length} voxels for a volume of ${input.volume.data.length}`,
    );
  }
  const review = reviewMask(input.mask, input.volume.dims, input.volume.spacing);
  const body = [
    header(input),
    resultSection(input),
    segmentationSection(input.volume, input.mask, review),
    scoresSection(input.scores),
    clinicalSection(input.clinical),
    input.resultFiles ? resultFilesSection(input.studyId, input.resultFiles) : '',
    REPORT_FOOTER,
  ].join('\n');
  return htmlPage({ title: `SAP risk report: study ${input.studyId}`, body, style: STYLE });
}

/**
 * The "not for clinical use" banner, once, when any model behind the result is a synthetic demo model: the
 * result's own notice, which names them.
 */
export function syntheticBanner(fusion: FusionResult): string {
  return fusion.notice ? `<p class="banner" id="synthetic">${escapeHtml(fusion.notice)}</p>` : '';
}

function header(input: StudyReportInput): string {
  const { fusion, inference } = input;
  const model = (m: { name: string; version: string; sha256: string }) =>
    `${m.name} ${m.version} (sha256 ${m.sha256.slice(0, 12)}…)`;
  const rows: [string, string][] = [
    ['Study', input.studyId],
    ['Status', input.status],
    ['Report generated', input.generatedAt],
    ['Fusion model', model(fusion.model)],
    ...(inference
      ? ([
          ['Segmentation model', model(inference.models.unet)],
          ['Deep-feature model', model(inference.models.resnet)],
        ] as [string, string][])
      : []),
  ];
  return `<h1>Severe acute pancreatitis: study report</h1>
${syntheticBanner(fusion)}
${keyValueTable(rows, 'study')}`;
}

function resultSection({ fusion, inference, explanationSvg }: StudyReportInput): string {
  const { moderate, high } = fusion.riskThresholds;
  const factors = fusion.topFactors.map((f) => `<li>${escapeHtml(f.text)}</li>`).join('');
  const missing = missingInputsList(fusion);
  const deep = inference
    ? `<p>Deep-learning (3D ResNet50) probability alone: ${pct(inference.probability)}.</p>`
    : '';
  return `<section id="result"><h2>Probability of severe acute pancreatitis</h2>
<p class="headline" id="probability">${pct(fusion.probability)} — <strong class="risk-${fusion.riskLevel}">${escapeHtml(fusion.riskLevel)} risk</strong></p>
<p>Risk levels: low below ${pct(moderate)}, moderate from ${pct(moderate)}, high from ${pct(high)} (the model card's thresholds).</p>
${deep}
<h3>Main reasons</h3><ul>${factors}</ul>
${missing}
<figure id="explanation">${explanationSvg}</figure>
</section>`;
}

/** Each input the model scored as missing, with where the card reads it and why the study lacks it. */
function missingInputsList(fusion: FusionResult): string {
  const inputs = fusion.missingInputs;
  if (inputs.length === 0) return '';
  const items = inputs.map(({ feature, source, path, reason }) => {
    const text = `${feature} (${source} ${path}): ${reason}`;
    return `<li data-feature="${escapeHtml(feature)}">${escapeHtml(text)}</li>`;
  });
  return `<div id="missing-inputs"><p>Model inputs missing for this study (scored as missing, never as 0):</p><ul>${items.join('')}</ul></div>`;
}
