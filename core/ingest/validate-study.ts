import {
  inCanonicalSliceOrder,
  isDicomSourceRecord,
  type DicomSeriesInfo,
  type DicomSourceRecord,
  type NoDicomSource,
} from '../imaging/dicom';
import { axisCodes, toCanonicalOrientation } from '../imaging/orientation';
import type { Vec3, Volume } from '../imaging/volume';
import { normaliseClinical, type ClinicalNormalisation } from './clinical';
import { parseJsonDocument } from './json-document';
import type { NormalisedClinical } from './clinical/catalogue';
import { mapLimited } from '../async/map-limited';
import { InputRejected, type ValidationIssue } from '../input/issues';
import { LIMITS } from '../input/limits';
import { CLINICAL_FILE, MANIFEST_FILE, checkManifest, verifyChecksum, type Manifest } from './manifest';
import { readStudyImage, type ImageFormat } from './read-image';
import type { StudyFile, StudySource } from './study-source';
import { checkVolume, huStatistics, type HuStatistics } from './volume-checks';

const IMAGE_PREFIX = 'image/';
/** Files fetched at once: enough to hide S3 latency, few enough to keep memory near the study's size. */
const READ_CONCURRENCY = 16;

/** What `sap validate --json` prints and Validate stores beside a rejection. No patient data. */
export interface ValidationReport {
  ok: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  volume?: {
    format: ImageFormat;
    /** Voxel axes of the upload (e.g. LPS for DICOM), before reorientation to RAS. */
    sourceOrientation: string;
    dims: Vec3;
    spacingMm: Vec3;
    hu: HuStatistics;
    series?: DicomSeriesInfo;
  };
  clinical?: Pick<ClinicalNormalisation, 'conversions' | 'derived' | 'unknownFields'>;
}

export interface ValidatedStudy {
  report: ValidationReport;
  /** Canonical (RAS) volume, when the image could be read and passed its checks. */
  volume?: Volume;
  clinical?: NormalisedClinical;
  /**
   * DICOM uploads: what a DICOM SEG of the run's mask references, slices in `volume`'s k order; or why
   * none can be written. Holds the patient's identification: stored, never logged or reported.
   */
  dicomSource?: DicomSourceRecord | NoDicomSource;
}

/**
 * Validates a study folder: manifest, clinical.json and the image, collecting every issue rather than
 * stopping at the first. Only the files the manifest lists are read (all of them if it cannot be read),
 * so leftovers of an earlier upload cannot mix in.
 */
export async function validateStudy(source: StudySource, studyId?: string): Promise<ValidatedStudy> {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const present = await source.list();
  const byPath = new Map(present.map((f) => [f.path, f]));

  const manifest = await readManifest(source, byPath, studyId, errors, warnings);
  const listed = manifest
    ? manifest.files.filter((f) => byPath.has(f.path)).map((f) => byPath.get(f.path)!)
    : present;
  const checksums = new Map(manifest?.files.filter((f) => f.sha256).map((f) => [f.path, f]));
  const read = async (file: StudyFile): Promise<Uint8Array> => {
    const bytes = await source.read(file.path);
    const entry = checksums.get(file.path);
    const mismatch = entry && (await verifyChecksum(entry, bytes));
    if (mismatch) errors.push(mismatch);
    return bytes;
  };

  const report: ValidationReport = { ok: false, errors, warnings };
  const clinical = await readClinical(byPath.get(CLINICAL_FILE), read, errors, warnings, report);
  const { volume, dicomSource } = await readVolume(
    listed.filter((f) => f.path.startsWith(IMAGE_PREFIX)),
    read,
    manifest,
    errors,
    warnings,
    report,
  );
  report.ok = errors.length === 0;
  if (!report.ok) return { report };
  return { report, volume, clinical, ...(dicomSource ? { dicomSource } : {}) };
}

async function readManifest(
  source: StudySource,
  byPath: Map<string, StudyFile>,
  studyId: string | undefined,
  errors: ValidationIssue[],
  warnings: ValidationIssue[],
): Promise<Manifest | undefined> {
  const file = byPath.get(MANIFEST_FILE);
  if (!file) {
    errors.push({
      code: 'MANIFEST_INVALID',
      file: MANIFEST_FILE,
      message: 'missing: upload manifest.json last, listing the files',
    });
    return undefined;
  }
  const parsed = oversizedJson(file) ?? parseJsonDocument(await source.read(MANIFEST_FILE), MANIFEST_FILE);
  if (!parsed.ok) {
    errors.push(...parsed.issues);
    return undefined;
  }
  const others = [...byPath.values()].filter((f) => f.path !== MANIFEST_FILE);
  const check = checkManifest(parsed.value, others, MANIFEST_FILE, { studyId });
  errors.push(...check.issues);
  for (const path of check.unlisted) {
    warnings.push({
      code: 'MANIFEST_INVALID',
      file: path,
      message: 'present but not listed in manifest.json: ignored',
    });
  }
  return check.manifest;
}

/**
 * FILE_TOO_LARGE from the listed size, before a byte is read: a "JSON" file of gigabytes would otherwise
 * be read whole into memory just to be refused.
 */
function oversizedJson(file: StudyFile): { ok: false; issues: ValidationIssue[] } | undefined {
  if (file.size <= LIMITS.maxJsonBytes) return undefined;
  return {
    ok: false,
    issues: [
      {
        code: 'FILE_TOO_LARGE',
        file: file.path,
        message: `${file.size} bytes; a JSON document may be at most ${LIMITS.maxJsonBytes}`,
      },
    ],
  };
}

async function readClinical(
  file: StudyFile | undefined,
  read: (file: StudyFile) => Promise<Uint8Array>,
  errors: ValidationIssue[],
  warnings: ValidationIssue[],
  report: ValidationReport,
): Promise<NormalisedClinical | undefined> {
  if (!file) {
    errors.push({
      code: 'CLINICAL_INVALID',
      file: CLINICAL_FILE,
      message: 'missing: upload the admission data as clinical.json',
    });
    return undefined;
  }
  const parsed = oversizedJson(file) ?? parseJsonDocument(await read(file), CLINICAL_FILE);
  if (!parsed.ok) {
    errors.push(...parsed.issues);
    return undefined;
  }
  const result = normaliseClinical(parsed.value, CLINICAL_FILE);
  errors.push(...result.issues);
  for (const field of result.unknownFields) {
    warnings.push({
      code: 'CLINICAL_INVALID',
      file: CLINICAL_FILE,
      field,
      message: 'unknown field: kept but not used',
    });
  }
  report.clinical = {
    conversions: result.conversions,
    derived: result.derived,
    unknownFields: result.unknownFields,
  };
  return result.clinical;
}

async function readVolume(
  files: StudyFile[],
  read: (file: StudyFile) => Promise<Uint8Array>,
  manifest: Manifest | undefined,
  errors: ValidationIssue[],
  warnings: ValidationIssue[],
  report: ValidationReport,
): Promise<{ volume?: Volume; dicomSource?: DicomSourceRecord | NoDicomSource }> {
  const sizeIssues = fileSizeIssues(files);
  if (sizeIssues.length > 0) {
    errors.push(...sizeIssues);
    return {};
  }
  try {
    const contents = await mapLimited(files, READ_CONCURRENCY, async (f) => ({
      name: f.path,
      bytes: await read(f),
    }));
    const image = await readStudyImage(contents, manifest?.image?.seriesInstanceUid);
    contents.length = 0; // the file bytes are no longer needed: let them go before reorienting
    warnings.push(...image.warnings);
    const volume = toCanonicalOrientation(image.volume);
    const hu = huStatistics(volume);
    const checked = checkVolume(volume, files.length === 1 ? files[0]!.path : IMAGE_PREFIX, hu);
    errors.push(...checked.errors);
    warnings.push(...checked.warnings);
    report.volume = {
      format: image.format,
      sourceOrientation: axisCodes(image.volume.affine),
      dims: volume.dims,
      spacingMm: volume.spacing,
      hu,
      series: image.series,
    };
    const source = image.dicomSource;
    const dicomSource =
      source && isDicomSourceRecord(source)
        ? inCanonicalSliceOrder(source, image.volume.affine, volume.affine)
        : source;
    return { volume, dicomSource };
  } catch (error) {
    if (!(error instanceof InputRejected)) throw error;
    errors.push(...error.issues);
    return {};
  }
}

/** Empty files, files over the size limit and too many files are refused before anything is read. */
function fileSizeIssues(files: StudyFile[]): ValidationIssue[] {
  if (files.length > LIMITS.maxFiles) {
    return [
      {
        code: 'TOO_MANY_FILES',
        file: IMAGE_PREFIX,
        message: `${files.length} image files; at most ${LIMITS.maxFiles}`,
      },
    ];
  }
  return files.flatMap((f): ValidationIssue[] => {
    if (f.size === 0) return [{ code: 'FILE_EMPTY', file: f.path, message: 'the file is empty' }];
    if (f.size > LIMITS.maxFileBytes) {
      return [
        {
          code: 'FILE_TOO_LARGE',
          file: f.path,
          message: `${f.size} bytes; one file may be at most ${LIMITS.maxFileBytes}`,
        },
      ];
    }
    return [];
  });
}
