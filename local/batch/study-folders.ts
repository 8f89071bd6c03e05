import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { RefusedItem } from '../../core/batch/summary';
import { isStudyId } from '../../core/study/study-id';

export interface StudyFolderItem {
  studyId: string;
  folder: string;
}

export interface BatchFolder {
  /** Sub-folders named by a valid study id, by name. */
  studies: StudyFolderItem[];
  /** Sub-folders whose name cannot be a study id: listed in the summary as failed items. */
  refused: RefusedItem[];
}

/**
 * The studies of a batch folder: each sub-folder is one study (clinical.json + the image, as `sap submit`
 * takes it) and its name is the study id. Hidden folders are not studies; plain files beside them are ignored.
 */
export async function readBatchFolder(root: string): Promise<BatchFolder> {
  const entries = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const studies: StudyFolderItem[] = [];
  const refused: RefusedItem[] = [];
  for (const name of entries) {
    if (isStudyId(name)) studies.push({ studyId: name, folder: path.join(root, name) });
    else
      refused.push({
        item: name,
        // The code the batch item function gives an item that names no study.
        stage: 'BatchItem',
        code: 'INVALID_ITEM',
        message: `the folder name ${JSON.stringify(name)} is not a study id (1–64 of [A-Za-z0-9_-]): rename it`,
      });
  }
  return { studies, refused };
}
