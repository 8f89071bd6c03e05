import { pathToFileURL } from 'node:url';
import { DEFAULT_IBSI_DIR, hasIbsiData, runIbsiCompliance } from '../local/radiomics-compliance';
import { EXIT, type CommandContext, usageError } from './io';

/**
 * `sap ibsi-compliance [--ibsi-dir D]`: the IBSI-1 CT phantom through configurations A–E, one line per
 * reference value (pass/fail, ours, reference ± tolerance) and a count per configuration. Exit 1 if any fails.
 */
export async function complianceCommand(input: { ibsiDir?: string }, ctx: CommandContext): Promise<number> {
  const dir = input.ibsiDir ? pathToFileURL(input.ibsiDir.replace(/\/?$/, '/')) : DEFAULT_IBSI_DIR;
  if (!hasIbsiData(dir))
    return usageError(
      ctx,
      `no IBSI CT phantom under ${dir.pathname}: pass --ibsi-dir (the folder holding ct_phantom/)`,
    );
  const results = runIbsiCompliance(dir);
  if (ctx.json) {
    ctx.io.out(JSON.stringify(results, null, 2));
  } else {
    for (const { config, rows } of results) {
      for (const r of rows) {
        const ours = r.actual === undefined ? 'missing' : Number(r.actual.toPrecision(4));
        ctx.io.out(
          `${config}  ${r.pass ? 'pass' : 'FAIL'}  ${r.tag.padEnd(28)} ${String(ours).padStart(12)}  ref ${r.value} ± ${r.tolerance}`,
        );
      }
    }
    for (const { config, rows, passed } of results)
      ctx.io.out(`configuration ${config}: ${passed}/${rows.length} within tolerance`);
  }
  return results.every((r) => r.passed === r.rows.length) ? EXIT.ok : EXIT.rejected;
}
