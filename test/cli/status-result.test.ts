import { describe, expect, it } from 'vitest';
import { formatStudy } from '../../cli/study-report';
import type { StudyView } from '../../local/api-client';

const study = (result: Record<string, unknown>): StudyView =>
  ({
    studyId: 's1',
    status: 'COMPLETED',
    manifestVersion: 'v1',
    updatedAt: '2025-03-01T12:00:50.000Z',
    stages: {},
    result,
  }) as StudyView;
const scored = {
  probability: 0.41,
  riskLevel: 'moderate',
  riskThresholds: { moderate: 0.3, high: 0.6 },
  topFactors: [{ text: 'Age (71 years) raises the risk (+0.52 log-odds)' }],
  model: { name: 'site-fusion', version: '2026-01' },
};
const notice =
  'Synthetic demo models, not for clinical use: U-Net sap-demo-unet demo-1, ResNet50 sap-demo-resnet50 demo-1.';

describe('sap status: what a scored study says', () => {
  it('names the synthetic models and each missing input with why', () => {
    const text = formatStudy(
      study({
        ...scored,
        synthetic: true,
        syntheticModels: ['unet', 'resnet'],
        notice,
        missingFeatures: ['triglycerides', 'dl_probability'],
        missingInputs: [
          {
            feature: 'triglycerides',
            source: 'clinical',
            path: 'admission.triglycerides',
            reason:
              'not provided in clinical.json; clinical.json has `admission.triglicerides`, not a field this service reads',
          },
          {
            feature: 'dl_probability',
            source: 'inference',
            path: 'probability',
            reason: 'inference.json has no probability',
          },
        ],
      }),
    );
    const lines = text.split('\n');
    expect(lines).toContain(`NOTE: ${notice}`);
    const missingAt = lines.indexOf('inputs missing (scored as missing, never as 0):');
    expect(missingAt).toBeGreaterThan(0);
    expect(lines.slice(missingAt + 1, missingAt + 3)).toEqual([
      '  triglycerides (clinical admission.triglycerides): not provided in clinical.json; clinical.json has `admission.triglicerides`, not a field this service reads',
      '  dl_probability (inference probability): inference.json has no probability',
    ]);
  });

  it('says nothing of either when no model is synthetic and no input is missing', () => {
    const text = formatStudy(study({ ...scored, synthetic: false, missingFeatures: [], missingInputs: [] }));
    expect(text).not.toMatch(/NOTE|synthetic|inputs missing/i);
    expect(text).toContain('probability of severe acute pancreatitis: 41 % (moderate risk');
  });

  it('shows a result stored before reasons and notices: the label and the names', () => {
    const text = formatStudy(
      study({ ...scored, label: 'Synthetic demo model, not for clinical use', missingFeatures: ['crp'] }),
    );
    expect(text).toContain('NOTE: Synthetic demo model, not for clinical use');
    expect(text).toContain('inputs missing (scored as missing, never as 0):\n  crp');
  });
});
