// Step 1 of the demo fusion model (README "Models"): a synthetic cohort of phantom studies, each taken on this
// machine's CPU through what production runs — Validate (the uploaded study folder → canonical int16 volume,
// normalised clinical record), Infer (core/inference with the demo U-Net and ResNet50 of models/demo: mask and
// deep-learning probability), Radiomics (the default profile, in the U-Net's mask, never the phantom's ground
// truth) — and turned into the vector Fuse hands the model (assembleFeatures with DEMO_FEATURES). The seeds
// are disjoint from the image models' training and held-out seeds (scripts/demo-models/settings.py), so each
// DL probability is an out-of-sample prediction, as for a new patient. Writes models/demo/cohort.csv and
// models/demo/features.json; about 20 minutes on 2 CPU cores.
// Run: npx tsx scripts/demo-model/make-cohort.ts && /usr/bin/python3 scripts/train-fusion-model.py
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleFeatures } from '../../core/fusion/feature-vector';
import { readModelCard, type FeatureSource } from '../../core/fusion/model-card';
import { readMaskNifti, type Mask } from '../../core/imaging/mask';
import { encodeNiftiGz, readNiftiHuVolume } from '../../core/imaging/nifti';
import type { Vec3, Volume } from '../../core/imaging/volume';
import { loadModels } from '../../core/inference/models';
import { runInference } from '../../core/inference/pipeline';
import { describeIssue } from '../../core/input/issues';
import type { StudySource } from '../../core/ingest/study-source';
import { validateStudy } from '../../core/ingest/validate-study';
import { generatePhantom, phantomStudyFiles } from '../../core/phantom';
import { extractRadiomics } from '../../core/radiomics/extract';
import { DEFAULT_PROFILE, profileSettings } from '../../core/radiomics/profiles';
import { cohortContrast, cohortVariants, sapLabel } from '../demo-models/cohort';

const COHORT_SIZE = 300;
/**
 * The phantoms' default 400 × 400 × 280 mm field of view at 2 × 2 × 5 mm, like the bundled sample study:
 * routine abdominal CT slices, inside the grids the ResNet50 was trained on (0.75–2.5 mm in plane, 1.25–5 mm
 * slices), and about 3 s of inference per study on a CPU.
 */
const COHORT_DIMS: Vec3 = [200, 200, 56];
const OUT = new URL('../../models/demo/', import.meta.url);

/**
 * The demo model's inputs: clinical admission values, radiomics of the U-Net's mask and the ResNet50's
 * probability, the three kinds the paper fuses (its key predictors: pleural effusion, the deep-learning
 * prediction, triglycerides). The mask's volume is not added: morph_volume already measures it.
 */
const DEMO_FEATURES: FeatureSource[] = [
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
  {
    name: 'dl_probability',
    source: 'inference',
    path: 'probability',
    label: 'Deep-learning SAP probability',
  },
];

// The card is only used here for its feature list; train-fusion-model.py writes the real one with the checksum.
const card = readModelCard(
  {
    schemaVersion: 1,
    name: 'cohort',
    version: '0',
    file: 'model.ubj',
    sha256: '0'.repeat(64),
    features: DEMO_FEATURES,
    riskThresholds: { moderate: 0.3, high: 0.6 },
  },
  'the demo features (DEMO_FEATURES)',
);

/** A study folder held in memory, as validateStudy reads one from S3 or disk. */
function memorySource(files: Record<string, Uint8Array>): StudySource {
  return {
    list: async () => Object.entries(files).map(([path, bytes]) => ({ path, size: bytes.byteLength })),
    read: async (path) => {
      const bytes = files[path];
      if (!bytes) throw new Error(`${path} is not in the study`);
      return bytes;
    },
  };
}

// Infer and Radiomics read what the steps before them stored: the volume and mask through NIfTI, as in S3.
const storedVolume = (volume: Volume): Volume =>
  readNiftiHuVolume(encodeNiftiGz(volume), 'volume.nii.gz').volume;
const storedMask = (volume: Volume, mask: Uint8Array): Mask =>
  readMaskNifti(encodeNiftiGz({ dims: volume.dims, affine: volume.affine, data: mask }), 'mask.nii.gz');

const models = await loadModels(fileURLToPath(OUT), { device: 'cpu' });
const started = performance.now();
const lines = [['studyId', 'sap', ...DEMO_FEATURES.map((f) => f.name)].join(',')];
for (let seed = 1; seed <= COHORT_SIZE; seed++) {
  const studyId = `phantom-${seed}`;
  // Variants and contrast phases as the image models met them (scripts/demo-models/cohort.ts).
  const phantom = generatePhantom({
    dims: COHORT_DIMS,
    seed,
    variant: cohortVariants(seed),
    contrast: cohortContrast(seed),
  });
  const validated = await validateStudy(memorySource(phantomStudyFiles(phantom, 'nifti', studyId)), studyId);
  if (!validated.volume || !validated.clinical) {
    throw new Error(`${studyId} rejected: ${validated.report.errors.map(describeIssue).join('; ')}`);
  }
  const volume = storedVolume(validated.volume);
  const { mask, result: inference } = await runInference(volume, models);
  const radiomics = extractRadiomics(volume, storedMask(volume, mask), profileSettings(DEFAULT_PROFILE));
  const vector = assembleFeatures(card, {
    clinical: validated.clinical,
    radiomics: radiomics.features,
    inference,
  });
  lines.push(
    [
      studyId,
      sapLabel(phantom),
      ...Array.from(vector.values, (v) => (Number.isNaN(v) ? '' : Number(v.toPrecision(8)))),
    ].join(','),
  );
  if (seed % 25 === 0) {
    console.log(`${seed}/${COHORT_SIZE} (${Math.round((performance.now() - started) / 1000)} s)`);
  }
}
writeFileSync(new URL('cohort.csv', OUT), lines.join('\n') + '\n');
writeFileSync(new URL('features.json', OUT), JSON.stringify(DEMO_FEATURES, null, 2) + '\n');
console.log(`wrote ${COHORT_SIZE} studies to models/demo/cohort.csv`);
