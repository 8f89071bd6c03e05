import { encodeNiftiGz } from '../imaging/nifti';
import { buildManifest, CLINICAL_FILE, MANIFEST_FILE } from '../ingest/manifest';
import { encodeDicomSeries } from './dicom-series';
import type { Phantom } from './generate';

export type PhantomImageFormat = 'nifti' | 'dicom';

/**
 * A phantom as the study folder a hospital uploads: clinical.json, the image (one .nii.gz, or one DICOM
 * file per slice) and manifest.json listing them with sizes and checksums.
 */
export function phantomStudyFiles(
  phantom: Phantom,
  format: PhantomImageFormat,
  studyId?: string,
): Record<string, Uint8Array> {
  const image: Record<string, Uint8Array> =
    format === 'nifti'
      ? {
          'image/ct.nii.gz': encodeNiftiGz(phantom.volume, { description: 'sap-pipeline synthetic phantom' }),
        }
      : Object.fromEntries(
          encodeDicomSeries(phantom.volume, { seed: phantom.description.seed }).map((f) => [
            `image/${f.name}`,
            f.bytes,
          ]),
        );
  const files = {
    [CLINICAL_FILE]: new TextEncoder().encode(JSON.stringify(phantom.clinical, null, 2)),
    ...image,
  };
  const manifest = JSON.stringify(buildManifest(files, studyId), null, 2);
  return { ...files, [MANIFEST_FILE]: new TextEncoder().encode(manifest) };
}
