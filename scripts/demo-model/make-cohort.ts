// Step 1 of the demo fusion model (README "Models"): a synthetic cohort of phantom studies, each turned into
// exactly the feature vector production computes (normalised clinical.json + pancreas-profile radiomics →
// assembleFeatures with the demo card's features). Writes models/demo/cohort.csv and models/demo/features.json.
// Run: npx tsx scripts/demo-model/make-cohort.ts && /usr/bin/python3 scripts/train-fusion-model.py
import { writeFileSync } from 'node:fs';
import { assembleFeatures } from '../../core/fusion/feature-vector';
import { modelCardSchema, type FeatureSource } from '../../core/fusion/model-card';
import { normaliseClinical } from '../../core/ingest/clinical';
import { generatePhantom } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { profileSettings } from '../../core/radiomics/profiles';
import { cohortVariants } from '../demo-models/cohort';

const COHORT_SIZE = 300;
const OUT = new URL('../../models/demo/', import.meta.url);

/** The demo model's inputs. No deep-learning probability yet: the inference step (issue #5) is not built. */
export const DEMO_FEATURES: FeatureSource[] = [
  { name: 'age', source: 'clinical', path: 'admission.age', label: 'Age', unit: 'years' },
  { name: 'sex_male', source: 'clinical', path: 'admission.sex', encode: { F: 0, M: 1 }, label: 'Male sex' },
  {
    name: 'pleural_effusion',
    source: 'clinical',
    path: 'admission.pleuralEffusion',
    label: 'Pleural effusion',
  },
  {
    name: 'triglycerides',
    source: 'clinical',
    path: 'admission.triglycerides',
    label: 'Triglycerides',
    unit: 'mmol/L',
  },
  { name: 'urea', source: 'clinical', path: 'admission.urea', label: 'Urea', unit: 'mmol/L' },
  { name: 'wbc', source: 'clinical', path: 'admission.wbc', label: 'White cell count', unit: '10^9/L' },
  { name: 'crp', source: 'clinical', path: 'admission.crp', label: 'C-reactive protein', unit: 'mg/L' },
  { name: 'calcium', source: 'clinical', path: 'admission.calcium', label: 'Calcium', unit: 'mmol/L' },
  { name: 'heart_rate', source: 'clinical', path: 'admission.heartRate', label: 'Heart rate', unit: '/min' },
  {
    name: 'pancreas_volume',
    source: 'radiomics',
    path: 'morph_volume',
    label: 'Pancreas volume',
    unit: 'mm³',
  },
  {
    name: 'pancreas_sphericity',
    source: 'radiomics',
    path: 'morph_sphericity',
    label: 'Pancreas sphericity',
  },
  {
    name: 'pancreas_mean_hu',
    source: 'radiomics',
    path: 'stat_mean',
    label: 'Pancreas mean density',
    unit: 'HU',
  },
  {
    name: 'pancreas_p10_hu',
    source: 'radiomics',
    path: 'stat_p10',
    label: 'Pancreas 10th percentile density',
    unit: 'HU',
  },
  { name: 'pancreas_entropy', source: 'radiomics', path: 'ih_entropy', label: 'Pancreas intensity entropy' },
  {
    name: 'pancreas_glcm_contrast',
    source: 'radiomics',
    path: 'cm_contrast_3D_avg',
    label: 'Pancreas texture contrast (GLCM)',
  },
];

// The card is only used here for its feature list; train-fusion-model.py writes the real one with the checksum.
const card = modelCardSchema.parse({
  schemaVersion: 1,
  name: 'cohort',
  version: '0',
  file: 'model.ubj',
  sha256: '0'.repeat(64),
  features: DEMO_FEATURES,
  riskThresholds: { moderate: 0.3, high: 0.6 },
});
const lines = [['studyId', 'sap', ...DEMO_FEATURES.map((f) => f.name)].join(',')];
for (let seed = 1; seed <= COHORT_SIZE; seed++) {
  const phantom = generatePhantom({ dims: [128, 128, 64], seed, variant: [...cohortVariants(seed)] });
  const clinical = normaliseClinical(phantom.clinical);
  if (!clinical.ok) throw new Error(`phantom ${seed}: ${JSON.stringify(clinical.issues)}`);
  const radiomics = extractRadiomics(phantom.volume, phantom.mask, profileSettings('pancreas')).features;
  const vector = assembleFeatures(card, { clinical: clinical.clinical, radiomics, inference: {} });
  const label = clinical.clinical.outcome.atlantaSeverity === 'severe' ? 1 : 0;
  lines.push(
    [
      `phantom-${seed}`,
      label,
      ...Array.from(vector.values, (v) => (Number.isNaN(v) ? '' : Number(v.toPrecision(8)))),
    ].join(','),
  );
  if (seed % 50 === 0) console.log(`${seed}/${COHORT_SIZE}`);
}
writeFileSync(new URL('cohort.csv', OUT), lines.join('\n') + '\n');
writeFileSync(new URL('features.json', OUT), JSON.stringify(DEMO_FEATURES, null, 2) + '\n');
console.log(`wrote ${COHORT_SIZE} studies to models/demo/cohort.csv`);
