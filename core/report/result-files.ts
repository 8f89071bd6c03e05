import { STORAGE_DEFAULTS } from '../pipeline/deployment-defaults';
import { escapeHtml } from './html';

/** What the run wrote beside its report, for the "Result files" section. */
export interface ResultFiles {
  /** The upload was DICOM, so the mask was also written as a DICOM Segmentation. */
  dicomSegmentation: boolean;
}

export const RISK_ASSESSMENT_FILE = 'risk-assessment.json';
export const SEGMENTATION_FILE = 'pancreas-seg.dcm';

/**
 * Links to the result's interoperable copies. They are relative: the files sit beside the report under
 * results/{id}/ (and results/{id}/v-{version}/), so the links open wherever the folder was downloaded to. A
 * report opened from the API's presigned link cannot follow them (each object needs its own signature): the
 * section therefore also names the API route and the object keys.
 */
export function resultFilesSection(studyId: string, files: ResultFiles): string {
  const id = escapeHtml(studyId);
  const fhir = `<li><a href="${RISK_ASSESSMENT_FILE}">${RISK_ASSESSMENT_FILE}</a>: this result as a FHIR R4
RiskAssessment, for an EHR (also served by the results API at <code>GET /studies/${id}/fhir</code>).</li>`;
  const seg = files.dicomSegmentation
    ? `<li><a href="${SEGMENTATION_FILE}">${SEGMENTATION_FILE}</a>: the pancreas mask as a DICOM Segmentation
on the uploaded series' frame of reference, to send to PACS and overlay in a viewer (OHIF, 3D Slicer).</li>`
    : `<li>No DICOM Segmentation: the study was uploaded as NIfTI, which carries no DICOM series or frame of
reference to attach one to. The mask is kept as <code>mask.nii.gz</code> (NIfTI, on the grid of the normalised
volume) in the run's work folder, <code>work/${id}/</code>, for ${STORAGE_DEFAULTS.workRetentionDays} days unless the
deployment set <code>workRetentionDays</code> otherwise.</li>`;
  return `<h2 id="result-files">Result files</h2>
<p>Beside this report in <code>results/${id}/</code>:</p>
<ul>
${fhir}
${seg}
</ul>`;
}
