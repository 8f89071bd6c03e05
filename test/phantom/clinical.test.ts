import { describe, expect, it } from 'vitest';
import { normaliseClinical } from '../../core/ingest/clinical/normalise';
import { SEVERE_VARIANTS, generatePhantom } from '../../core/phantom';

describe('generatePhantom: clinical record', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  const sirs = (a: Record<string, unknown>) => {
    const n = (k: string) => a[k] as number;
    return (
      Number(n('temperature') > 38 || n('temperature') < 36) +
      Number(n('heartRate') > 90) +
      Number(n('respiratoryRate') > 20) +
      Number(n('wbc') > 12 || n('wbc') < 4)
    );
  };
  const value = (v: unknown) =>
    typeof v === 'object' && v !== null ? (v as { value: number }).value : (v as number);

  it('is a valid clinical.json for the ingest schema, in canonical units', () => {
    for (const variant of [undefined, 'oedematous', 'necrotising', SEVERE_VARIANTS] as const) {
      for (const seed of seeds) {
        const clinical = generatePhantom({ seed, variant, dims: [8, 8, 8] }).clinical;
        const result = normaliseClinical(JSON.parse(JSON.stringify(clinical)));
        expect(result.issues, `seed ${seed} ${String(variant)}`).toEqual([]);
        expect(result.ok).toBe(true);
        expect(result.unknownFields).toEqual([]);
      }
    }
  });

  it('is mild for a normal gland and severe for a severe phantom', () => {
    for (const seed of seeds) {
      const mild = generatePhantom({ seed, dims: [8, 8, 8] }).clinical;
      const severe = generatePhantom({ seed, variant: SEVERE_VARIANTS, dims: [8, 8, 8] }).clinical;
      expect(mild.admission.pleuralEffusion).toBe(false);
      expect(severe.admission.pleuralEffusion).toBe(true);
      expect(sirs(mild.admission)).toBeLessThan(2);
      expect(sirs(severe.admission)).toBeGreaterThanOrEqual(3);
      expect(value(mild.admission.urea)).toBeLessThan(8.9); // BISAP threshold
      expect(value(severe.admission.urea)).toBeGreaterThan(8.9);
      expect(mild.admission.gcs).toBe(15);
      expect(value(severe.admission.crp)).toBeGreaterThan(value(mild.admission.crp));
      expect(value(severe.admission.triglycerides)).toBeGreaterThan(value(mild.admission.triglycerides));
      expect(severe.admission.calcium as number).toBeLessThan(2.0); // Ranson
      expect(mild.outcome.atlantaSeverity).toBe('mild');
      expect(severe.outcome).toMatchObject({ atlantaSeverity: 'severe', organFailure: 'persistent' });
      expect(severe.ct).toMatchObject({ balthazarGrade: 'E', necrosis: 'up-to-30' });
      expect(mild.ct).toMatchObject({ balthazarGrade: 'A', necrosis: 'none' });
      // Demographics belong to the patient, not the variant.
      expect([severe.admission.age, severe.admission.sex, severe.admission.bmi]).toEqual([
        mild.admission.age,
        mild.admission.sex,
        mild.admission.bmi,
      ]);
    }
  });

  it('grades the intermediate variants in between', () => {
    const oedematous = generatePhantom({ seed: 1, variant: 'oedematous', dims: [8, 8, 8] }).clinical;
    expect(oedematous.ct.balthazarGrade).toBe('C');
    expect(oedematous.outcome.atlantaSeverity).toBe('mild');
    const necrotising = generatePhantom({ seed: 1, variant: 'necrotising', dims: [8, 8, 8] }).clinical;
    expect(necrotising.outcome).toMatchObject({
      atlantaSeverity: 'moderately-severe',
      localComplications: true,
    });
    const effusion = generatePhantom({ seed: 1, variant: 'pleural-effusion', dims: [8, 8, 8] }).clinical;
    expect(effusion.admission.pleuralEffusion).toBe(true);
  });
});
