/**
 * The module edges of eslint.config.js: a snippet is linted with the project's own config as if it were a
 * file at the given path, and a wrong import must fail with the edge's message while an allowed one passes.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The no-restricted-imports messages for `specifier` imported from a file at `filePath`. */
async function edgeErrors(filePath: string, specifier: string): Promise<string[]> {
  const code = `import { thing } from '${specifier}';\nexport const used = thing;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('module edges', () => {
  it.each([
    ['core/imaging/zip.ts', '../ingest/validate-study', 'core/imaging may import only core/input'],
    ['core/imaging/dicom/series.ts', '../../ingest/limits', 'core/imaging may import only core/input'],
    ['core/imaging/dicom/series.ts', '../../../core/radiomics/extract', 'core/imaging may import only'],
    ['core/inference/resample.ts', '../radiomics/processing/interpolate', 'core/inference may import only'],
    ['core/report/mask-review.ts', '../radiomics/features/glszm', 'core/report may import only'],
    ['core/input/issues.ts', '../imaging/volume', 'core/input imports no other module of core/'],
    ['core/ingest/validate-study.ts', '../../lambdas/shared/logger', 'imports no other layer'],
    ['core/radiomics/features/glcm.ts', '../../../cli/io', 'imports no other layer'],
    ['core/study/keys.ts', '@aws-sdk/client-s3', 'knows nothing of AWS'],
    ['lambdas/validate/handler.ts', '../../cli/io', 'lambdas/ imports core/ only'],
    ['lambdas/validate/handler.ts', 'aws-cdk-lib/aws-s3', 'lambdas/ does not use'],
    ['lib/constructs/results-api.ts', '../../lambdas/api/handler', 'lib/ imports core/ only'],
    ['lib/app.ts', '../local/stack/stack', 'lib/ imports core/ only'],
  ])('%s may not import %s', async (filePath, specifier, message) => {
    const errors = await edgeErrors(filePath, specifier);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ['core/imaging/dicom/series.ts', '../../input/issues'],
    ['core/imaging/dicom/series.ts', '../volume'],
    ['core/imaging/grid/zones.ts', './padded-grid'],
    ['core/inference/resample.ts', '../imaging/grid/kernels'],
    ['core/report/mask-review.ts', '../imaging/grid/bounding-box'],
    ['core/radiomics/features/glszm.ts', '../../imaging/grid/padded-grid'],
    ['core/ingest/validate-study.ts', '../async/map-limited'],
    ['lambdas/validate/handler.ts', '../../core/ingest/validate-study'],
    ['lambdas/validate/handler.ts', '@aws-sdk/client-s3'],
    ['lib/constructs/results-api.ts', '../../core/input/limits'],
    ['cli/main.ts', '../local/stack/stack'],
  ])('%s may import %s', async (filePath, specifier) => {
    expect(await edgeErrors(filePath, specifier)).toEqual([]);
  });
});
