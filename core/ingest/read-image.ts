import {
  readDicomSeries,
  type DicomFile,
  type DicomSeriesInfo,
  type DicomSourceRecord,
  type NoDicomSource,
} from '../imaging/dicom';
import { isGzip, readNiftiHuVolume } from '../imaging/nifti';
import type { Volume } from '../imaging/volume';
import { readZip } from '../imaging/zip';
import { InputRejected, type ValidationIssue } from '../input/issues';

export type ImageFormat = 'nifti' | 'dicom' | 'dicom-zip';

export interface LoadedImage {
  format: ImageFormat;
  /** As stored: not yet in the canonical orientation. */
  volume: Volume;
  series?: DicomSeriesInfo;
  /** DICOM only: what a DICOM SEG references, slice k = slice k of `volume` (before reorientation). */
  dicomSource?: DicomSourceRecord | NoDicomSource;
  warnings: ValidationIssue[];
}

const NIFTI_NAME = /\.nii(\.gz)?$/i;
const ZIP_NAME = /\.zip$/i;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export type ImageKind = 'nifti' | 'zip' | 'dicom';

/** What a file under image/ is, by name first and by its first bytes where the name says nothing. */
export function imageKindByName(path: string): ImageKind | undefined {
  if (NIFTI_NAME.test(path)) return 'nifti';
  if (ZIP_NAME.test(path)) return 'zip';
  return undefined;
}

export function imageKindByContent(bytes: Uint8Array): ImageKind {
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return 'zip';
  // A gzip stream under image/ can only be a .nii.gz; DICOM Part 10 files start with a 128-byte preamble.
  if (isGzip(bytes) || isNiftiHeader(bytes)) return 'nifti';
  return 'dicom';
}

/** NIfTI-1 (348) or NIfTI-2 (540) sizeof_hdr in either byte order. */
function isNiftiHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return [348, 540].some((size) => view.getInt32(0, true) === size || view.getInt32(0, false) === size);
}

/**
 * Reads the study's image: one NIfTI file, one zip of a DICOM series, or the files of a DICOM series.
 * `files` are the image files with their bytes, paths relative to the study folder.
 */
export async function readStudyImage(files: DicomFile[], seriesInstanceUid?: string): Promise<LoadedImage> {
  if (files.length === 0) {
    throw new InputRejected([
      {
        code: 'NO_IMAGE',
        message: 'no file under image/: upload one NIfTI volume, a DICOM series or a zip of one',
      },
    ]);
  }
  const kinds = files.map((f) => imageKindByName(f.name) ?? imageKindByContent(f.bytes));
  const singles = files.filter((_, i) => kinds[i] !== 'dicom');
  if (singles.length > 0 && files.length > 1) {
    throw new InputRejected([
      {
        code: 'MULTIPLE_IMAGES',
        file: singles[0]!.name,
        message: `image/ holds ${files.length} files including ${singles.map((f) => f.name).join(', ')}: upload exactly one NIfTI file, one zip, or only the DICOM files of one series`,
      },
    ]);
  }
  const [only] = files;
  if (files.length === 1 && kinds[0] === 'nifti') {
    const read = readNiftiHuVolume(only!.bytes, only!.name);
    return { format: 'nifti', volume: read.volume, warnings: read.warnings };
  }
  if (files.length === 1 && kinds[0] === 'zip') {
    const entries = await readZip(only!.bytes, { name: only!.name });
    const inZip = entries.map((e) => ({ name: `${only!.name}:${e.name}`, bytes: e.bytes }));
    const { volume, info, source } = readDicomSeries(inZip, { seriesInstanceUid });
    return { format: 'dicom-zip', volume, series: info, dicomSource: source, warnings: [] };
  }
  const { volume, info, source } = readDicomSeries(files, { seriesInstanceUid });
  return { format: 'dicom', volume, series: info, dicomSource: source, warnings: [] };
}
