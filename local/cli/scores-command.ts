import { readFile } from 'node:fs/promises';
import { normaliseClinical } from '../../core/ingest/clinical';
import { describeIssue } from '../../core/ingest/issues';
import { parseJsonDocument } from '../../core/ingest/json-document';
import { classicScores } from '../../core/scores';
import { EXIT, reportError, type CommandContext } from './io';

/** `sap scores <clinical.json>`: the classic severity scores, with what each lacked. Exit 1 if the file is rejected. */
export async function scoresCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [file, ...extra] = args;
  if (!file || extra.length > 0) {
    reportError(ctx, 'USAGE', 'usage: sap scores <clinical.json> [--json]');
    return EXIT.usage;
  }
  const parsed = parseJsonDocument(await readFile(file), file);
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
