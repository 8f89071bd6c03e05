import { describe, expect, it } from 'vitest';
import { studyReportHtml } from '../../core/report';
import { phantomReportInput } from './phantom-study';

const { input } = phantomReportInput();
const links = (html: string) => [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);

describe('study report: result files', () => {
  it('links the RiskAssessment and the DICOM SEG beside the report for a DICOM upload', () => {
    const html = studyReportHtml({ ...input, resultFiles: { dicomSegmentation: true } });
    expect(links(html)).toEqual(['risk-assessment.json', 'pancreas-seg.dcm']);
    expect(html).toContain(`GET /studies/${input.studyId}/fhir`);
    expect(html).toContain(`<code>results/${input.studyId}/</code>`);
  });

  it('says why a NIfTI upload has no SEG and where its mask is instead', () => {
    const html = studyReportHtml({ ...input, resultFiles: { dicomSegmentation: false } });
    expect(links(html)).toEqual(['risk-assessment.json']);
    expect(html).toMatch(/No DICOM Segmentation: the study was uploaded as NIfTI/);
    expect(html).toContain('mask.nii.gz');
  });

  it('has no section when the caller names no files', () => {
    expect(studyReportHtml(input)).not.toContain('id="result-files"');
  });
});
