import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importanceBarSvg, shapWaterfallSvg } from '../../core/charts';
import { manyFeatures, waterfallInput } from './fixtures';

/**
 * Renders the charts to PNG with a real SVG renderer when the machine has one (headless Chromium, or
 * librsvg's rsvg-convert); skipped otherwise. Catches markup a browser refuses that the XML check lets by.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const RSVG = ['/usr/bin/rsvg-convert', '/usr/local/bin/rsvg-convert'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'sap-charts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pngSize(file: string): { width: number; height: number; bytes: number } {
  const png = readFileSync(file);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bytes: png.length };
}

const charts: [string, () => string][] = [
  ['waterfall', () => shapWaterfallSvg(waterfallInput(manyFeatures(14)))],
  [
    'importance',
    () => importanceBarSvg({ title: 'Importance', importanceType: 'gain', values: { a: 3, b: 1 } }),
  ],
];

describe.skipIf(!CHROMIUM)('charts rendered by headless Chromium', () => {
  it.each(charts)('%s renders to a non-empty PNG', (name, make) => {
    const svg = join(dir, `${name}.svg`);
    const png = join(dir, `${name}-chromium.png`);
    writeFileSync(svg, make());
    execFileSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--screenshot=${png}`,
        '--window-size=800,900',
        `file://${svg}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    const { width, bytes } = pngSize(png);
    expect(width).toBe(800);
    expect(bytes).toBeGreaterThan(5_000);
  });
});

describe.skipIf(!RSVG)('charts rendered by librsvg', () => {
  it.each(charts)('%s renders to a non-empty PNG of the declared size', (name, make) => {
    const text = make();
    const svg = join(dir, `${name}.svg`);
    const png = join(dir, `${name}-rsvg.png`);
    writeFileSync(svg, text);
    execFileSync(RSVG!, [svg, '-o', png], { stdio: 'ignore', timeout: 60_000 });
    const { width, height, bytes } = pngSize(png);
    expect(width).toBe(800);
    expect(height).toBe(Number(/height="(\d+)"/.exec(text)![1]));
    expect(bytes).toBeGreaterThan(5_000);
  });
});
