import { describe, expect, it } from 'vitest';
import type { BatchOutcome } from '../../core/batch/outcome';
import { summarizeBatch } from '../../core/batch/summary';

const completed = (studyId: string, missing: string[]): BatchOutcome => ({
  status: 'COMPLETED',
  studyId,
  manifestVersion: `v-${studyId}`,
  batchId: 'b1',
  mode: 'score',
  finishedAt: '2025-03-01T10:00:00.000Z',
  model: { name: 'site', version: '1' },
  features: { age: missing.includes('age') ? null : 60, triglycerides: null, dl_probability: 0.4 },
  missing,
  probability: 0.2,
});
const failed: BatchOutcome = {
  status: 'FAILED',
  studyId: 's9',
  batchId: 'b1',
  mode: 'score',
  finishedAt: '2025-03-01T10:00:00.000Z',
  stage: 'Validate',
  code: 'CLINICAL_INVALID',
  message: 'admission.tg: did you mean "triglycerides"?',
};

describe('the batch summary of missing inputs', () => {
  it('counts per model input the completed studies that lacked it, names in order, none for a failed study', () => {
    const summary = summarizeBatch({
      batchId: 'b1',
      outcomes: [
        completed('s1', ['triglycerides']),
        completed('s2', ['age', 'triglycerides']),
        completed('s3', []),
        failed,
      ],
    });
    expect(summary.missingInputs).toEqual({ age: 1, triglycerides: 2 });
    expect(Object.keys(summary.missingInputs)).toEqual(['age', 'triglycerides']);
  });
});
