import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Module edges: which part of the code may import which. A wrong import fails lint.
 *
 * Top level: core/ is pure domain code and imports no other layer and nothing of AWS; lambdas/ and lib/
 * (the CDK app) import core/ only; cli/, local/, bench/, scripts/ and test/ may import what they need.
 *
 * Inside core/, each module may import only the modules listed here (its own files always). Every folder
 * under core/ must have an entry, so a new module states its edges. The lowest modules (input: issue
 * codes and upload limits; async) import nothing; imaging (readers, volumes, voxel grids) stands on input
 * alone, so readers never depend on study validation (ingest), and radiomics, inference and report share
 * imaging/grid/ instead of reaching into each other.
 */
const CORE_EDGES = {
  async: [],
  input: [],
  charts: [],
  evaluation: [],
  xgboost: [],
  imaging: ['input'],
  study: ['input', 'ingest'],
  ingest: ['async', 'imaging', 'input', 'study'],
  pipeline: ['inference', 'study'],
  inference: ['imaging', 'pipeline', 'study'],
  radiomics: ['imaging', 'pipeline'],
  cost: ['pipeline'],
  batch: ['cost', 'pipeline', 'scores', 'study'],
  models: ['study'],
  fusion: ['charts', 'ingest', 'inference', 'radiomics', 'xgboost'],
  fhir: ['fusion', 'ingest', 'scores'],
  'dicom-seg': ['imaging'],
  scores: ['ingest'],
  phantom: ['imaging', 'ingest', 'input'],
  report: ['charts', 'fusion', 'imaging', 'inference', 'ingest', 'pipeline', 'scores', 'study'],
};

/** Top-level folders of the repository that a layer may not import, by layer. */
const OUTSIDE_CORE = ['lambdas', 'lib', 'local', 'cli', 'containers', 'bench', 'scripts', 'test', 'bin'];
const LAYER_EDGES = {
  lambdas: {
    forbidden: OUTSIDE_CORE.filter((d) => d !== 'lambdas'),
    packages: ['aws-cdk-lib', 'constructs'],
  },
  lib: { forbidden: OUTSIDE_CORE.filter((d) => d !== 'lib'), packages: [] },
};
const AWS_PACKAGES = ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@aws-lambda-powertools/*'];

/** Folder depths below a module for which a rule is written (core/x/a/b/c/d.ts is depth 3); deeper is unchecked. */
const MAX_DEPTH = 4;
// '-' is left as it is: outside a class it needs no escape, and `\-` is invalid under the rule's `u` flag.
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A relative specifier that climbs `up` folders and then names one of `names` (as a folder or file). */
const climbsTo = (up, names) => `^(\\.\\./){${up}}(${names.map(escape).join('|')})(/|$)`;
const filesAtDepth = (folder, depth) => [`${folder}/${'*/'.repeat(depth)}*.ts`];

function moduleEdgeRules() {
  const coreModules = readdirSync(new URL('./core', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const missing = coreModules.filter((name) => !(name in CORE_EDGES));
  if (missing.length > 0)
    throw new Error(
      `eslint.config.js: add core/${missing.join(', core/')} to CORE_EDGES with its allowed imports`,
    );
  const configs = [];
  for (const name of coreModules) {
    const allowed = CORE_EDGES[name];
    const forbidden = coreModules.filter((other) => other !== name && !allowed.includes(other));
    const edgeMessage =
      allowed.length > 0
        ? `core/${name} may import only core/${allowed.join(', core/')} (module edges in eslint.config.js).`
        : `core/${name} imports no other module of core/ (module edges in eslint.config.js).`;
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      const patterns = [
        { group: AWS_PACKAGES, message: 'core/ knows nothing of AWS.' },
        {
          regex: climbsTo(depth + 2, OUTSIDE_CORE),
          message: 'core/ is pure domain code: it imports no other layer.',
        },
      ];
      if (forbidden.length > 0) {
        patterns.push(
          { regex: climbsTo(depth + 1, forbidden), message: edgeMessage },
          {
            regex: climbsTo(
              depth + 2,
              forbidden.map((other) => `core/${other}`),
            ),
            message: edgeMessage,
          },
        );
      }
      configs.push({
        files: filesAtDepth(`core/${name}`, depth),
        rules: { 'no-restricted-imports': ['error', { patterns: patterns.map(caseSensitive) }] },
      });
    }
  }
  for (const [layer, { forbidden, packages }] of Object.entries(LAYER_EDGES)) {
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      const patterns = [{ regex: climbsTo(depth + 1, forbidden), message: `${layer}/ imports core/ only.` }];
      if (packages.length > 0)
        patterns.push({
          group: packages.flatMap((p) => [p, `${p}/*`]),
          message: `${layer}/ does not use ${packages.join(', ')}.`,
        });
      configs.push({
        files: filesAtDepth(layer, depth),
        rules: { 'no-restricted-imports': ['error', { patterns: patterns.map(caseSensitive) }] },
      });
    }
  }
  return configs;
}

function caseSensitive(pattern) {
  return pattern.regex ? { ...pattern, caseSensitive: true } : pattern;
}

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', '.local/', '.sap-local/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...moduleEdgeRules(),
);
