import type {
  AdmissionValues,
  CtFindings,
  H48Values,
  NormalisedClinical,
  OutcomeValues,
} from '../../core/ingest/clinical';
import type { ScoreResult } from '../../core/scores';

/** Changes to a record, by section. */
export interface RecordPatch {
  admission?: AdmissionValues;
  h48?: H48Values;
  ct?: CtFindings;
  outcome?: OutcomeValues;
}

/**
 * A complete normalised record (SI units) whose every score input sits in its 0-point band: each test
 * moves one value to a boundary and reads one item.
 */
export function healthy(patch: RecordPatch = {}): NormalisedClinical {
  return {
    schemaVersion: 1,
    admission: {
      age: 40,
      sex: 'M',
      etiology: 'alcohol',
      temperature: 37,
      heartRate: 80,
      respiratoryRate: 16,
      sbp: 120,
      dbp: 80,
      map: 93.3,
      gcs: 15,
      pao2: 90,
      paco2: 40,
      fio2: 0.21,
      ph: 7.4,
      bicarbonate: 24,
      baseDeficit: 0,
      sodium: 140,
      potassium: 4,
      pleuralEffusion: false,
      severeChronicDisease: 'none',
      acuteRenalFailure: false,
      wbc: 8,
      bandsPercent: 2,
      haematocrit: 40,
      calcium: 2.3,
      urea: 5,
      creatinine: 80,
      glucose: 6,
      ldh: 200,
      ast: 30,
      albumin: 40,
      ...patch.admission,
    },
    h48: {
      haematocrit: 38,
      urea: 5.5,
      calcium: 2.2,
      pao2: 88,
      baseDeficit: 1,
      fluidSequestration: 2,
      wbc: 9,
      glucose: 6.5,
      ldh: 220,
      albumin: 38,
      ...patch.h48,
    },
    ct: {
      balthazarGrade: 'A',
      necrosis: 'none',
      peripancreaticFatNecrosis: false,
      ascites: false,
      vascularComplication: false,
      parenchymalComplication: false,
      gastrointestinalInvolvement: false,
      ...patch.ct,
    },
    outcome: {
      organFailure: 'none',
      organFailureHours: 0,
      localComplications: false,
      systemicComplications: false,
      ...patch.outcome,
    },
    extra: {},
  };
}

/** The record without the given fields (`admission.urea`, `h48.calcium`, ...). */
export function without(record: NormalisedClinical, ...paths: string[]): NormalisedClinical {
  const copy = structuredClone(record);
  for (const path of paths) {
    const [section, field] = path.split('.') as [keyof NormalisedClinical, string];
    delete (copy[section] as Record<string, unknown>)[field];
  }
  return copy;
}

/** Points of one item of a score. */
export function pointsOf(result: ScoreResult, item: string): number | null | undefined {
  return result.items.find((entry) => entry.item === item)?.points;
}

export function itemOf(result: ScoreResult, item: string) {
  const found = result.items.find((entry) => entry.item === item);
  if (!found) throw new Error(`${result.name} has no item "${item}"`);
  return found;
}
