import { createHash } from 'node:crypto';
import type { Vec3 } from '../../core/imaging/volume';
import { normaliseClinical } from '../../core/ingest/clinical';
import { buildManifest, CLINICAL_FILE, MANIFEST_FILE } from '../../core/ingest/manifest';
import { huStatistics, type HuStatistics } from '../../core/ingest/volume-checks';
import {
  generatePhantom,
  PHANTOM_VARIANTS,
  phantomStudyFiles,
  type PhantomImageFormat,
  type PhantomVariant,
} from '../../core/phantom';
import type { StageName } from '../../core/pipeline/steps';
import { classicScores } from '../../core/scores';

/** How a load-test study must end: COMPLETED, or FAILED at a stage with a code and the issue in its message. */
export type PlannedEnd =
  { status: 'COMPLETED' } | { status: 'FAILED'; stage: StageName; code: string; issue: string };

/** One study of the load: its files (manifest.json included) and what its result must show. */
export interface LoadStudy {
  studyId: string;
  files: Record<string, Uint8Array>;
  planned: PlannedEnd;
  /** What Validate must find in this study's image: dims and HU statistics of the canonical volume. */
  image: { dims: Vec3; hu: HuStatistics };
  /** The classic scores of this study's clinical.json, which a COMPLETED result must carry. */
  scores?: unknown;
}

/**
 * Scanner grids the U-Net accepts (2 mm in plane, 5 mm slices; at least its 240 × 240 × 120 mm window)
 * but small enough that a study takes seconds on one CPU thread.
 */
const GRIDS: Vec3[] = [
  [120, 120, 28],
  [124, 124, 30],
  [128, 128, 26],
  [120, 128, 32],
];
const SPACING: Vec3 = [2, 2, 5];
/** Passes validation but is smaller than one U-Net window: fails at Infer (the endpoint's error path). */
const TOO_SMALL: Vec3 = [96, 96, 24];
/** Every BAD_EVERY-th study is a deliberately bad one. */
const BAD_EVERY = 5;

type Defect = 'truncated-gzip' | 'checksum-mismatch' | 'too-small-for-unet' | 'clinical-wrong-types';
const DEFECTS: Defect[] = [
  'truncated-gzip',
  'too-small-for-unet',
  'checksum-mismatch',
  'clinical-wrong-types',
];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2));

/**
 * `count` studies, each different (seed, grid, variant, contrast; every fourth good one a DICOM series),
 * with one in BAD_EVERY deliberately bad so that the FAILED paths run under load too. Deterministic for
 * a given `runTag`, which prefixes every studyId.
 */
export function buildLoadStudies(count: number, runTag: string): LoadStudy[] {
  return Array.from({ length: count }, (_, index) => {
    const studyId = `${runTag}-${String(index).padStart(3, '0')}`;
    const bad = index % BAD_EVERY === BAD_EVERY - 1;
    return bad
      ? badStudy(studyId, index, DEFECTS[Math.floor(index / BAD_EVERY) % DEFECTS.length]!)
      : goodStudy(studyId, index);
  });
}

function phantomFor(index: number, dims: Vec3) {
  const variant: PhantomVariant = PHANTOM_VARIANTS[index % PHANTOM_VARIANTS.length]!;
  return generatePhantom({ dims, spacing: SPACING, seed: 7000 + index, variant, contrast: index % 3 === 0 });
}

function goodStudy(studyId: string, index: number): LoadStudy {
  const phantom = phantomFor(index, GRIDS[index % GRIDS.length]!);
  const format: PhantomImageFormat = index % 4 === 3 ? 'dicom' : 'nifti';
  const clinical = normaliseClinical(phantom.clinical);
  return {
    studyId,
    files: phantomStudyFiles(phantom, format, studyId),
    planned: { status: 'COMPLETED' },
    image: { dims: phantom.volume.dims, hu: huStatistics(phantom.volume) },
    scores: clinical.ok ? classicScores(clinical.clinical) : undefined,
  };
}

function badStudy(studyId: string, index: number, defect: Defect): LoadStudy {
  const phantom = phantomFor(index, defect === 'too-small-for-unet' ? TOO_SMALL : GRIDS[0]!);
  const files = phantomStudyFiles(phantom, 'nifti', studyId);
  const image = { dims: phantom.volume.dims, hu: huStatistics(phantom.volume) };
  const rejected = (issue: string): PlannedEnd => ({
    status: 'FAILED',
    stage: 'Validate',
    code: 'INPUT_REJECTED',
    issue,
  });
  const nifti = files['image/ct.nii.gz']!;
  switch (defect) {
    case 'too-small-for-unet':
      return {
        studyId,
        files,
        planned: { status: 'FAILED', stage: 'Infer', code: 'INFERENCE_FAILED', issue: 'VOLUME_TOO_SMALL' },
        image,
      };
    case 'truncated-gzip':
      return {
        studyId,
        files: relisted(studyId, files, { 'image/ct.nii.gz': nifti.slice(0, nifti.length >> 1) }),
        planned: rejected('GZIP_CORRUPT'),
        image,
      };
    case 'clinical-wrong-types': {
      const clinical = { ...phantom.clinical, admission: { ...phantom.clinical.admission, age: 'fifty' } };
      return {
        studyId,
        files: relisted(studyId, files, { [CLINICAL_FILE]: encode(clinical) }),
        planned: rejected('CLINICAL_INVALID'),
        image,
      };
    }
    case 'checksum-mismatch': {
      // Same size, one byte changed after the manifest was written: a corrupted or replaced upload.
      const tampered = nifti.slice();
      tampered[tampered.length - 9] = tampered[tampered.length - 9]! ^ 0xff;
      return {
        studyId,
        files: { ...files, 'image/ct.nii.gz': tampered },
        planned: rejected('MANIFEST_CHECKSUM_MISMATCH'),
        image,
      };
    }
  }
}

/** The files with some replaced, and a manifest that lists them as they now are. */
function relisted(
  studyId: string,
  files: Record<string, Uint8Array>,
  replace: Record<string, Uint8Array>,
): Record<string, Uint8Array> {
  const next = Object.fromEntries(
    Object.entries({ ...files, ...replace }).filter(([path]) => path !== MANIFEST_FILE),
  );
  return { ...next, [MANIFEST_FILE]: encode(buildManifest(next, studyId)) };
}

/** The sha256 of every file as uploaded (manifest.json included). */
export function uploadedChecksums(files: Record<string, Uint8Array>): Map<string, string> {
  return new Map(Object.entries(files).map(([path, bytes]) => [path, sha256(bytes)]));
}
