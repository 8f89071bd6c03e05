import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { folderSource } from '../core/ingest/folder-source';
import { parseJsonDocument } from '../core/ingest/json-document';
import { mapLimited } from '../core/async/map-limited';
import {
  CLINICAL_FILE,
  MANIFEST_FILE,
  manifestSchema,
  sha256Hex,
  type Manifest,
  type ManifestEntry,
} from '../core/ingest/manifest';

const IMAGE_PREFIX = 'image/';
/** Files hashed at once: a series of thousands must not open thousands of files together. */
const HASH_CONCURRENCY = 8;

export interface FolderFile extends ManifestEntry {
  sha256: string;
  /** Where it is on disk. */
  source: string;
}

export interface StudyFolder {
  /** clinical.json and the image files as the manifest lists them (`image/...`), with sizes and sha256. */
  files: FolderFile[];
  /** Kept from a manifest.json already in the folder: which DICOM series to use. */
  image?: Manifest['image'];
  /** Files left out, and why (hidden files, files beside an image/ folder). */
  skipped: string[];
  /** Why the folder cannot be submitted as it is (an unreadable manifest.json). */
  problems: string[];
}

/**
 * A study folder as `sap submit` uploads it: clinical.json and the image, either under image/ or, when there
 * is no image/ folder, the other files of the folder (a NIfTI, DICOM files or a zip) put under image/.
 * A manifest.json already there is rebuilt from what is on disk; only its `image` selection is kept.
 */
export async function readStudyFolder(root: string): Promise<StudyFolder> {
  const skipped: string[] = [];
  const problems: string[] = [];
  const listed = (await folderSource(root).list()).filter((file) => {
    const hidden = file.path.split('/').some((segment) => segment.startsWith('.'));
    if (hidden) skipped.push(`${file.path} (hidden file)`);
    return !hidden;
  });
  const hasImageFolder = listed.some((f) => f.path.startsWith(IMAGE_PREFIX));
  const chosen: { path: string; size: number; source: string }[] = [];
  for (const file of listed) {
    const source = path.join(root, ...file.path.split('/'));
    if (file.path === MANIFEST_FILE) continue;
    if (file.path === CLINICAL_FILE || file.path.startsWith(IMAGE_PREFIX))
      chosen.push({ path: file.path, size: file.size, source });
    else if (!hasImageFolder) chosen.push({ path: IMAGE_PREFIX + file.path, size: file.size, source });
    else skipped.push(`${file.path} (not under image/)`);
  }
  const files = await mapLimited(chosen, HASH_CONCURRENCY, async (f) => ({
    ...f,
    sha256: await sha256Hex(createReadStream(f.source)),
  }));
  const image = listed.some((f) => f.path === MANIFEST_FILE)
    ? await existingImageSelection(path.join(root, MANIFEST_FILE), problems)
    : undefined;
  return { files, image, skipped, problems };
}

async function existingImageSelection(file: string, problems: string[]): Promise<Manifest['image']> {
  const parsed = parseJsonDocument(await readFile(file), MANIFEST_FILE);
  const manifest = parsed.ok ? manifestSchema.safeParse(parsed.value) : undefined;
  if (manifest?.success) return manifest.data.image;
  problems.push(
    `${MANIFEST_FILE} in the folder is not a valid manifest (its image selection would be lost): ` +
      'fix it or remove it, and sap submit writes one',
  );
  return undefined;
}
