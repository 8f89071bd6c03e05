import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { LIMITS } from '../input/limits';
import type { StudyFile, StudySource } from './study-source';

/**
 * A study folder on disk. Listing stops a little past the file limit, so a folder of a million files is
 * reported as too many rather than walked to the end.
 */
export function folderSource(root: string, maxFiles: number = LIMITS.maxFiles + 10): StudySource {
  return {
    async list() {
      const files: StudyFile[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          if (files.length > maxFiles) return;
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (entry.isFile())
            files.push({
              path: path.relative(root, full).split(path.sep).join('/'),
              size: (await stat(full)).size,
            });
        }
      };
      await walk(root);
      return files.sort((a, b) => a.path.localeCompare(b.path));
    },
    async read(file) {
      // A Buffer is a Uint8Array: returned as is, not copied.
      return readFile(path.join(root, ...file.split('/')));
    },
  };
}
