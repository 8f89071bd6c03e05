import { stat } from 'node:fs/promises';
import { folderSource } from '../core/ingest/folder-source';
import { describeIssue } from '../core/input/issues';
import { validateStudy, type ValidationReport } from '../core/ingest/validate-study';
import { EXIT, type CommandContext, usageError } from './io';

/** `sap validate <study>`: the Validate step's checks on a folder; exit 1 when the study would be rejected. */
export async function validateCommand(
  { studyFolder: folder }: { studyFolder: string },
  ctx: CommandContext,
): Promise<number> {
  if (!(await stat(folder).catch(() => undefined))?.isDirectory())
    return usageError(
      ctx,
      `${folder} is not a folder: a study is a folder with manifest.json, clinical.json and image/`,
    );
  const { report } = await validateStudy(folderSource(folder));
  ctx.io.out(ctx.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? EXIT.ok : EXIT.rejected;
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
