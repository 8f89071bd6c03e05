import { readFile } from 'node:fs/promises';
import { normaliseClinical } from '../core/ingest/clinical';
import { describeIssue } from '../core/input/issues';
import { parseJsonDocument } from '../core/ingest/json-document';
import { classicScores } from '../core/scores';
import { EXIT, reportError, type CommandContext, usageError } from './io';

/** `sap scores <clinical.json>`: the classic severity scores, with what each lacked. Exit 1 if the file is rejected. */
export async function scoresCommand(
  { clinicalJson: file }: { clinicalJson: string },
  ctx: CommandContext,
): Promise<number> {
  const bytes = await readFile(file).catch(() => undefined);
  if (!bytes) return usageError(ctx, `cannot read ${file}`);
  const parsed = parseJsonDocument(bytes, file);
  const normalised = parsed.ok ? normaliseClinical(parsed.value, file) : undefined;
  const issues = parsed.ok ? (normalised?.issues ?? []) : parsed.issues;
  if (!normalised?.ok) {
    reportError(ctx, 'INPUT_REJECTED', issues.map(describeIssue).join('\n'));
    return EXIT.rejected;
  }
  const scores = classicScores(normalised.clinical);
  if (ctx.json) {
    ctx.io.out(JSON.stringify(scores, null, 2));
    return EXIT.ok;
  }
  for (const score of Object.values(scores)) {
    if (!score) continue;
    const value = score.partial ? `${score.value}–${score.upperBound} (partial)` : String(score.value);
    const missing = score.missing.length > 0 ? `  missing: ${score.missing.join(', ')}` : '';
    ctx.io.out(`${score.name.padEnd(14)} ${value.padEnd(18)}${score.interpretation ?? ''}${missing}`);
  }
  return EXIT.ok;
}
