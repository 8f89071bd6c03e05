import { readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { folderSource } from '../core/ingest/folder-source';
import { MANIFEST_FILE, refreshedManifest, STALE_MANIFEST_CODES } from '../core/ingest/manifest';
import { describeIssue } from '../core/input/issues';
import { validateStudy, type ValidationReport } from '../core/ingest/validate-study';
import { readStudyFolder } from '../local/study-folder';
import { EXIT, reportError, type CommandContext, usageError } from './io';

export interface ValidateInput {
  studyFolder: string;
  /** Rewrite manifest.json from the files present before validating. */
  fixManifest?: boolean;
}

/**
 * `sap validate <study>`: the Validate step's checks on a folder; exit 1 when the study would be rejected.
 * With --fix-manifest, manifest.json is first rewritten from the files present (sizes and sha256), as
 * `sap submit` writes it, so an edited clinical.json does not leave a folder that validate refuses.
 */
export async function validateCommand(
  { studyFolder: folder, fixManifest }: ValidateInput,
  ctx: CommandContext,
): Promise<number> {
  if (!(await stat(folder).catch(() => undefined))?.isDirectory())
    return usageError(
      ctx,
      `${folder} is not a folder: a study is a folder with manifest.json, clinical.json and image/`,
    );
  if (fixManifest) {
    const problem = await rewriteManifest(folder);
    if (problem) {
      reportError(ctx, 'MANIFEST_NOT_WRITTEN', `${folder}: ${problem}`);
      return EXIT.rejected;
    }
    if (!ctx.json) ctx.io.err(`wrote ${path.join(folder, MANIFEST_FILE)} from the files present`);
  }
  const { report } = await validateStudy(folderSource(folder));
  ctx.io.out(ctx.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (!ctx.json && manifestIsStale(report))
    ctx.io.err(
      `the manifest no longer matches the files: \`sap validate --fix-manifest ${folder}\` rewrites it from them`,
    );
  return report.ok ? EXIT.ok : EXIT.rejected;
}

/** Writes manifest.json for clinical.json and image/…; returns why it cannot, or undefined when written. */
async function rewriteManifest(folder: string): Promise<string | undefined> {
  const study = await readStudyFolder(folder);
  // Loose image files are put under image/ by `sap submit`; here the listing must name them where they are.
  const misplaced = study.files.filter((f) => f.source !== path.join(folder, ...f.path.split('/')));
  if (misplaced.length > 0)
    return `move the image files under image/ first (${misplaced
      .map((f) => path.basename(f.source))
      .slice(0, 3)
      .join(', ')} ${misplaced.length === 1 ? 'is' : 'are'} not)`;
  const previous = await readFile(path.join(folder, MANIFEST_FILE), 'utf8').then(
    (text) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
    () => undefined,
  );
  const manifest = refreshedManifest(study.files, previous);
  await writeFile(path.join(folder, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return undefined;
}

/** A listed file edited, removed or added since the manifest was written, or no manifest at all. */
function manifestIsStale(report: ValidationReport): boolean {
  return (
    report.errors.some(
      (issue) =>
        STALE_MANIFEST_CODES.has(issue.code) ||
        (issue.code === 'MANIFEST_INVALID' && issue.file === MANIFEST_FILE && /^missing/.test(issue.message)),
    ) || report.warnings.some((issue) => issue.code === 'MANIFEST_INVALID' && issue.file !== MANIFEST_FILE)
  );
}

export function formatReport(report: ValidationReport): string {
  const lines = [report.ok ? 'accepted' : `rejected: ${report.errors.length} error(s)`];
  lines.push(...report.errors.map((issue) => `  ${describeIssue(issue)}`));
  if (report.warnings.length > 0)
    lines.push('warnings:', ...report.warnings.map((issue) => `  ${describeIssue(issue)}`));
  const volume = report.volume;
  if (volume) {
    const [i, j, k] = volume.dims;
    const spacing = volume.spacingMm.map((s) => s.toFixed(2)).join(' × ');
    lines.push(
      `volume: ${volume.format}, ${i} × ${j} × ${k} voxels, ${spacing} mm, stored ${volume.sourceOrientation} → RAS`,
      `  HU ${volume.hu.min} … ${volume.hu.max}, mean ${volume.hu.mean.toFixed(1)}`,
    );
    if (volume.series)
      lines.push(
        `  series ${volume.series.seriesInstanceUid} (${volume.series.modality}, ${volume.series.sliceCount} slices)`,
      );
  }
  for (const c of report.clinical?.conversions ?? []) {
    lines.push(`clinical: ${c.field} ${c.from.value} ${c.from.unit} → ${round(c.to.value)} ${c.to.unit}`);
  }
  return lines.join('\n');
}

const round = (value: number) => Number(value.toPrecision(4));
