import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Every file `sap evaluate` writes into --out; report.html last, as it is the one a reader opens. */
export const EVALUATION_FILES = [
  'evaluation.json',
  'roc.svg',
  'calibration.svg',
  'decision-curve.svg',
  'importance.svg',
  'report.html',
] as const;
export type EvaluationFile = (typeof EVALUATION_FILES)[number];

/**
 * Removes this command's files from --out (and nothing else there), so that a run that fails leaves no
 * earlier report that would pass for its own. Returns why --out cannot hold a report, if it cannot.
 */
export async function clearEvaluation(out: string): Promise<string | undefined> {
  const found = await stat(out).catch(() => undefined);
  if (found && !found.isDirectory()) return `--out ${out} is a file; give a folder for the report`;
  if (found) await Promise.all(EVALUATION_FILES.map((name) => rm(path.join(out, name), { force: true })));
  return undefined;
}

/**
 * Writes the report's files into a temporary folder beside --out, then renames each into place (report.html
 * last): a run stopped half-way leaves no half-written file under a name of the report.
 */
export async function writeEvaluation(
  out: string,
  files: Partial<Record<EvaluationFile, string>>,
): Promise<void> {
  await mkdir(out, { recursive: true });
  const staging = await mkdtemp(path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}-`));
  try {
    const written = EVALUATION_FILES.filter((name) => files[name] !== undefined);
    await Promise.all(written.map((name) => writeFile(path.join(staging, name), files[name]!)));
    for (const name of written) await rename(path.join(staging, name), path.join(out, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
