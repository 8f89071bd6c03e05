import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IBSI_DIR, IBSI_DATA_HINT } from '../../local/radiomics-compliance';

/** The IBSI-1 CT phantom's folder: CC BY-NC, so never in the repository (see docs/radiomics.md). */
export const IBSI_DIR = DEFAULT_IBSI_DIR;

/**
 * Whether every file the suite needs is under IBSI_DIR. When one is missing the suite skips, and this says so on
 * stderr with how to provide the data, so that a skip is never mistaken for a pass.
 */
export function ibsiDataPresent(suite: string, files: readonly string[]): boolean {
  const missing = files.filter((file) => !existsSync(new URL(file, IBSI_DIR)));
  if (missing.length > 0) {
    console.warn(
      `${suite}: skipped, ${missing.join(', ')} not under ${fileURLToPath(IBSI_DIR)}; ${IBSI_DATA_HINT}`,
    );
  }
  return missing.length === 0;
}
