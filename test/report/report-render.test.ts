import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureReportHtml, studyReportHtml } from '../../core/report';
import { phantomReportInput } from './phantom-study';

// The report as a clinician's browser shows it: Debian's headless Chromium, driven by playwright-core,
// skipped where the machine has no Chromium. The pages and their screenshots stay in test-artifacts/.
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
/** What the test reads of an <img> in the page (the project compiles without the DOM library). */
interface ImageElement {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  width: number;
  height: number;
}
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe.skipIf(!CHROMIUM)('study report in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => browser?.close());

  /** Opens a report from file://, offline, collecting console errors and any request it makes. */
  async function open(html: string, name: string): Promise<{ page: Page; problems: string[] }> {
    const file = `${ARTIFACTS}${name}.html`;
    writeFileSync(file, html);
    const context = await browser.newContext({ offline: true, viewport: { width: 900, height: 1200 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request: ${r.url()}`);
    });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    return { page, problems };
  }

  it('shows the score, the chart and the CT slices, with no console errors', async () => {
    // 1.6 mm voxels: a CT's resolution, so the page looks like a real study's.
    const { input } = phantomReportInput([256, 256, 128]);
    const { page, problems } = await open(studyReportHtml(input), 'report');
    const probability = `${(input.fusion.probability * 100).toFixed(0)} %`;
    expect(await page.locator('#probability').innerText()).toContain(probability);
    expect(await page.locator('#probability').innerText()).toContain(`${input.fusion.riskLevel} risk`);
    expect(await page.locator('#synthetic').innerText()).toContain('not for clinical use');
    // The SHAP waterfall, laid out with a real size.
    const chart = await page.locator('#explanation svg').boundingBox();
    expect(chart!.width).toBeGreaterThan(600);
    expect(chart!.height).toBeGreaterThan(200);
    // Every slice image decoded by the browser and shown at least at its own size.
    const images = await page.locator('.views img').evaluateAll((nodes) =>
      (nodes as unknown as ImageElement[]).map((img) => ({
        complete: img.complete,
        natural: [img.naturalWidth, img.naturalHeight],
        declared: [img.width, img.height],
      })),
    );
    expect(images).toHaveLength(8);
    for (const image of images) {
      expect(image.complete).toBe(true);
      expect(image.natural[0]).toBeGreaterThan(50);
      expect(image.declared[0]).toBeGreaterThanOrEqual(image.natural[0]!);
    }
    expect(await page.locator('#scores').innerText()).toContain('BISAP');
    expect(await page.locator('#clinical').innerText()).toContain('mmol/L');
    const png = await page.screenshot({ path: `${ARTIFACTS}report.png`, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(problems).toEqual([]);
  });

  it('shows a failed study’s errors', async () => {
    const html = failureReportHtml({
      studyId: 's1',
      failure: {
        stage: 'Radiomics',
        code: 'MASK_EMPTY',
        message: 'mask is empty: the segmentation found no pancreas',
      },
      failedAt: '2025-03-01T12:00:00.000Z',
    });
    const { page, problems } = await open(html, 'failure-report');
    expect(await page.locator('#errors').innerText()).toContain('the segmentation found no pancreas');
    await page.screenshot({ path: `${ARTIFACTS}failure-report.png`, fullPage: true });
    expect(problems).toEqual([]);
  });
});
