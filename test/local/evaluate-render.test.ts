import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

// The evaluation report as a browser shows it: headless Chromium when the machine has it (.ci/run installs
// it where it can), skipped otherwise.
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'sap-evaluate-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!CHROMIUM)('evaluation report in headless Chromium', () => {
  it('renders the tables and the four charts offline', async () => {
    const out = join(dir, 'report');
    const argv = [
      'evaluate',
      'models/demo/cohort.csv',
      '--model-card',
      'models/demo/model-card.json',
      '--out',
      out,
    ];
    expect(await main(argv, { out: () => undefined, err: () => undefined })).toBe(0);
    const png = join(dir, 'report.png');
    execFileSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--screenshot=${png}`,
        '--window-size=900,2200',
        `file://${join(out, 'report.html')}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    const image = readFileSync(png);
    expect(image.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(image.readUInt32BE(16)).toBe(900);
    expect(image.length).toBeGreaterThan(40_000);
    const dom = execFileSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--user-data-dir=${join(dir, 'profile2')}`,
        '--dump-dom',
        `file://${join(out, 'report.html')}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(dom.match(/<svg /g)).toHaveLength(4);
    expect(dom).toContain('sap-fusion-demo demo-1');
  });
});
