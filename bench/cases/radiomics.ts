import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase, Measurement } from '../harness';

const CHILD = fileURLToPath(new URL('./radiomics-child.ts', import.meta.url));

/**
 * The benchmark volume of ../shared/radiomics/bench_volume.md (ROI 200,896 voxels), single thread, best of 5
 * after a warm-up, with the time of each family: every IBSI 3D feature (bench settings: no resampling, FBS 25,
 * 3D), and the `pyradiomics` profile's 107 features. PyRadiomics needs 2.3–2.8 s for its 107 features there;
 * the targets are ≤ 0.25 s for those and ≤ 0.5 s for the full IBSI set, and peak memory ≤ 4× the ROI box in
 * float64 (bounded per step: typed arrays held at its start plus all it allocates; see radiomics-child.ts).
 */
interface ChildResult {
  bestMs: number;
  features: number;
  timingsMs: Record<string, number>;
  peakBytes: number;
  boxFloat64Bytes: number;
}

type Settings = 'ibsi' | 'pyradiomics';

function runChild(mode: 'time' | 'memory', settings: Settings): ChildResult {
  // Array buffers freed by a collection are only counted as freed at once without concurrent sweeping.
  const flags = mode === 'memory' ? ['--expose-gc', '--no-concurrent-array-buffer-sweeping'] : [];
  const output = execFileSync(process.execPath, [...flags, '--import', 'tsx', CHILD, mode, settings], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop()!) as ChildResult;
}

function measure(settings: Settings, name: string): Measurement[] {
  const result = runChild('time', settings);
  const memory = runChild('memory', settings);
  const label = `radiomics ${name}, ${result.features} features`;
  const rows: Measurement[] = [
    { case: label, metric: 'wall (best of 5)', value: result.bestMs, unit: 'ms' },
    {
      case: label,
      metric: 'peak typed arrays / ROI box f64',
      value: memory.peakBytes / memory.boxFloat64Bytes,
      unit: '×',
    },
  ];
  for (const [family, ms] of Object.entries(result.timingsMs)) {
    rows.push({ case: `radiomics ${settings} ${family}`, metric: 'wall (last run)', value: ms, unit: 'ms' });
  }
  return rows;
}

export const radiomics: BenchCase = {
  name: 'radiomics',
  async run() {
    return [...measure('ibsi', 'IBSI 3D'), ...measure('pyradiomics', 'pyradiomics profile')];
  },
};
