import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readMaskNifti } from '../core/imaging/mask';
import { readNiftiHuVolume } from '../core/imaging/nifti';
import { compareToReference, parseReferenceCsv, type ComplianceRow } from '../core/radiomics/compliance';
import { extractRadiomics } from '../core/radiomics/extract';
import { profileSettings } from '../core/radiomics/profiles';
import { REPO_ROOT } from './stack/paths';

export const IBSI_CONFIGS = ['A', 'B', 'C', 'D', 'E'] as const;
/**
 * The IBSI data is CC BY-NC, so it is never copied into the repository: `SAP_IBSI_DIR` names the folder holding
 * `ct_phantom/`, else ../shared/ibsi beside the clone, where CI keeps it.
 */
export const DEFAULT_IBSI_DIR = process.env.SAP_IBSI_DIR
  ? pathToFileURL(process.env.SAP_IBSI_DIR.replace(/\/?$/, '/'))
  : pathToFileURL(path.join(REPO_ROOT, '..', 'shared', 'ibsi') + path.sep);

/** What to do when the phantom is missing: shown by the tests that skip and by `sap ibsi-compliance`. */
export const IBSI_DATA_HINT =
  'set SAP_IBSI_DIR to the folder holding ct_phantom/ and its reference CSVs ' +
  '(the IBSI-1 CT phantom, CC BY-NC 3.0, from github.com/theibsi/data_sets; see docs/radiomics.md)';

export interface ConfigCompliance {
  config: string;
  rows: ComplianceRow[];
  passed: number;
}

export function hasIbsiData(dir: URL = DEFAULT_IBSI_DIR): boolean {
  return existsSync(new URL('ct_phantom/nifti/image/phantom.nii.gz', dir));
}

/**
 * Runs the IBSI-1 CT phantom through configurations A–E (profiles ibsi-config-a … -e) and compares every
 * valued reference row. IBSI reads the phantom as float and rounds it to integers, which the HU reader does.
 */
export function runIbsiCompliance(
  dir: URL = DEFAULT_IBSI_DIR,
  configs: readonly string[] = IBSI_CONFIGS,
): ConfigCompliance[] {
  const imagePath = new URL('ct_phantom/nifti/image/phantom.nii.gz', dir);
  const maskPath = new URL('ct_phantom/nifti/mask/mask.nii.gz', dir);
  const { volume } = readNiftiHuVolume(readFileSync(imagePath), 'phantom.nii.gz');
  const mask = readMaskNifti(readFileSync(maskPath), 'mask.nii.gz');
  const references = parseReferenceCsv(readFileSync(new URL('ct_phantom_reference.csv', dir), 'utf8'));
  return configs.map((config) => {
    const result = extractRadiomics(volume, mask, profileSettings(`ibsi-config-${config.toLowerCase()}`));
    const rows = compareToReference(
      result.features,
      references.filter((r) => r.config === config),
    );
    return { config, rows, passed: rows.filter((r) => r.pass).length };
  });
}
