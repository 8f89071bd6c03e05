import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { formatLoadFigures } from '../local/loadtest/format-report';
import { LOAD_DEFAULTS, LOAD_LIMITS, loadPassed, runLoadTest } from '../local/loadtest/load-test';

const USAGE =
  'usage: npm run loadtest -- [--studies N] [--timeout-minutes M] [--threads T] [--json]\n' +
  `  --studies N          studies submitted at once, 1–${LOAD_LIMITS.maxStudies} (default ${LOAD_DEFAULTS.studies})\n` +
  `  --timeout-minutes M  give up after M minutes, at most ${LOAD_LIMITS.maxTimeoutMinutes} (default ${LOAD_DEFAULTS.timeoutMinutes})\n` +
  '  --threads T          onnxruntime threads of the inference server (default: every core)\n' +
  'Runs a local stack on 127.0.0.1 only, in a temporary folder. Exit 0 when no study was lost, run twice or\n' +
  'mixed up and each ended as planned; 1 otherwise; 2 on usage errors.';

/**
 * `npm run loadtest`: N studies at once through a local stack (issue #8, load). Prints submitted /
 * completed / failed / lost / duplicated, upload-to-final latency percentiles and throughput.
 */
async function main(): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const options = {
    studies: number(values.studies),
    timeoutMinutes: number(values['timeout-minutes']),
    inferenceThreads: number(values.threads) ?? availableParallelism(),
  };
  if (!Number.isInteger(options.inferenceThreads) || options.inferenceThreads < 1) {
    console.error(`--threads must be a whole number of at least 1\n${USAGE}`);
    return 2;
  }
  let figures;
  try {
    figures = await runLoadTest({ ...options, onProgress: (line) => console.error(line) });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  console.log(values.json ? JSON.stringify(figures, null, 2) : formatLoadFigures(figures));
  return loadPassed(figures) ? 0 : 1;
}

function parse() {
  return parseArgs({
    options: {
      studies: { type: 'string' },
      'timeout-minutes': { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
}

process.exitCode = await main();
