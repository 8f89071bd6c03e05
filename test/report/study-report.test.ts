import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../core/imaging/volume';
import {
  AXIAL_MAX_PIXELS,
  AXIAL_SLICES,
  failureReportHtml,
  FULL_VIEW_MAX_PIXELS,
  studyReportHtml,
  withoutUploadedText,
} from '../../core/report';
import { fuse } from '../../core/fusion/fuse';
import type { ModelCard } from '../../core/fusion/model-card';
import { demoModel, phantomReportInput } from './phantom-study';

const { phantom, input } = phantomReportInput();
const times = (html: string) => html.match(/not for clinical use/gi)?.length ?? 0;
/** A value for every radiomics input of the card but stat_mean, which radiomics left undefined. */
const radiomicsOf = (card: ModelCard) =>
  Object.fromEntries(
    card.features.filter((f) => f.source === 'radiomics' && f.path !== 'stat_mean').map((f) => [f.path, 1]),
  );

/** The slice images of a report: their size in the PNG and as shown on the page. */
function images(html: string): { width: number; height: number; shown: [number, number] }[] {
  return [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)" width="(\d+)" height="(\d+)"/g)].map(
    (m) => {
      const png = decode(Buffer.from(m[1]!, 'base64'));
      return { width: png.width, height: png.height, shown: [Number(m[2]), Number(m[3])] };
    },
  );
}

describe('study report', () => {
  const html = studyReportHtml(input);

  it('shows the study, its status, the models and the synthetic-model label', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<th>Study</th><td>phantom-77</td>');
    expect(html).toContain('<th>Status</th><td>COMPLETED</td>');
    expect(html).toContain('2025-03-01T12:00:00.000Z');
    expect(html).toContain('sap-fusion-demo demo-1');
    expect(html).toContain('unet-demo demo-1');
    expect(html).toContain(
      '<p class="banner" id="synthetic">Synthetic demo models, not for clinical use: U-Net unet-demo demo-1, ' +
        'ResNet50 resnet50-demo demo-1, fusion model sap-fusion-demo demo-1.</p>',
    );
  });

  it('gives the probability, the risk level and the thresholds, with the SHAP waterfall', () => {
    const { probability, riskLevel, riskThresholds } = input.fusion;
    expect(html).toContain(
      `${(probability * 100).toFixed(0)} % — <strong class="risk-${riskLevel}">${riskLevel} risk`,
    );
    expect(html).toContain(`moderate from ${(riskThresholds.moderate * 100).toFixed(0)} %`);
    expect(html).toContain(`high from ${(riskThresholds.high * 100).toFixed(0)} %`);
    expect(html).toContain(input.explanationSvg.trim());
    expect(html).toContain('Pleural effusion');
  });

  it('lists the classic scores with every item’s points and the missing inputs', () => {
    const { bisap, ranson, glasgowImrie } = input.scores;
    expect(html).toContain(`BISAP: ${bisap.value} / 5`);
    for (const item of bisap.items)
      expect(html).toContain(item.rule.replace(/>/g, '&gt;').replace(/</g, '&lt;'));
    expect(html).toContain(`Ranson: ${ranson.value}`);
    // The phantom record lacks LDH at 48 h: Glasgow-Imrie is partial and says what is missing.
    expect(glasgowImrie.partial).toBe(true);
    expect(html).toContain(glasgowImrie.missing.join(', '));
    expect(html).toContain('up to');
    expect(html).not.toContain('revised Atlanta');
  });

  it('shows the key clinical values with their units', () => {
    const { admission } = input.clinical;
    expect(html).toContain(`<td>Serum triglycerides</td><td>${admission.triglycerides} mmol/L</td>`);
    expect(html).toContain(`<td>White cell count</td><td>${admission.wbc} 10^9/L</td>`);
    expect(html).toContain('<td>Pleural effusion on imaging</td><td>yes</td>');
  });

  it('shows the mask volume and axial, coronal and sagittal views with the overlay', () => {
    const voxels = phantom.mask.data.reduce((n, v) => n + v, 0);
    const [sx, sy, sz] = phantom.volume.spacing;
    expect(html).toContain(
      `<strong>${((voxels * sx * sy * sz) / 1000).toFixed(1)} mL</strong> (${voxels} voxels)`,
    );
    expect(html.match(/data-plane="axial"/g)).toHaveLength(AXIAL_SLICES);
    expect(html.match(/data-plane="coronal"/g)).toHaveLength(1);
    expect(html.match(/data-plane="sagittal"/g)).toHaveLength(1);
    for (const image of images(html)) {
      // Small images of a coarse grid are shown larger, never distorted.
      const scale = image.shown[0] / image.width;
      expect(scale).toBeGreaterThanOrEqual(1);
      expect(scale).toBeLessThanOrEqual(3);
      expect(image.shown[1]).toBeCloseTo(image.height * scale, -0.5);
    }
    expect(html).toContain('W400/L40');
    expect(html).not.toContain('class="warning"');
  });

  it('is self-contained: no scripts, nothing fetched', () => {
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    expect(html).toContain("default-src 'none'");
  });

  it('warns about an implausible mask in the report itself', () => {
    const mask = new Uint8Array(input.mask.length);
    mask.fill(1, 0, 20); // 20 voxels on the volume's edge
    const warned = studyReportHtml({ ...input, mask });
    expect(warned).toContain('data-code="MASK_SMALL"');
    expect(warned).toContain('data-code="MASK_AT_EDGE"');
  });

  it('leaves the synthetic banner out when no model is synthetic', () => {
    const real = studyReportHtml({
      ...input,
      fusion: { ...input.fusion, synthetic: false, syntheticModels: undefined, notice: undefined },
    });
    expect(real).not.toContain('id="synthetic"');
    expect(html).toContain('id="synthetic"');
  });

  it('shows one banner, once, naming the synthetic image models under a site fusion model', () => {
    const { card, model } = demoModel();
    const site = { ...card, syntheticDemo: false };
    const { result, explanationSvg } = fuse(model, site, {
      clinical: input.clinical,
      radiomics: {},
      inference: input.inference,
    });
    const page = studyReportHtml({ ...input, fusion: result, explanationSvg });
    expect(page.match(/class="banner"/g)).toHaveLength(1);
    // Outside the chart (a file of its own, with its own footnote) the page says it once.
    const text = page.replace(/<figure id="explanation">[\s\S]*?<\/figure>/, '');
    expect(text.match(/not for clinical use/gi)).toHaveLength(1);
    expect(text).toContain(
      '<p class="banner" id="synthetic">Synthetic demo models, not for clinical use: U-Net unet-demo demo-1, ' +
        'ResNet50 resnet50-demo demo-1.</p>',
    );
    expect(times(studyReportHtml(input).replace(/<figure[\s\S]*?<\/figure>/, ''))).toBe(1);
  });

  it('lists each missing model input with where it is read from and why it is missing', () => {
    const { card, model } = demoModel();
    const admission = { ...input.clinical.admission };
    delete admission.pleuralEffusion;
    const clinical = { ...input.clinical, admission, extra: { 'admission.effusion': true } };
    const { result, explanationSvg } = fuse(model, card, {
      clinical,
      radiomics: { ...radiomicsOf(card) },
      undefinedRadiomics: ['stat_mean'],
      inference: input.inference,
    });
    const page = studyReportHtml({ ...input, fusion: result, explanationSvg });
    expect(page).toContain('<div id="missing-inputs">');
    expect(page).toContain(
      '<li data-feature="pleural_effusion">pleural_effusion (clinical admission.pleuralEffusion): not provided in ' +
        'clinical.json; clinical.json has `admission.effusion`, not a field this service reads</li>',
    );
    expect(page).toMatch(/<li data-feature="[^"]+">[^<]*: radiomics could not compute it for this region/);
    expect(page.match(/<li data-feature=/g)).toHaveLength(result.missingInputs.length);
    expect(html).not.toContain('id="missing-inputs"');
  });

  it('stays under 3 MB for a 512×512×300 study, its images capped whatever the volume size', () => {
    // Noise is PNG's worst case: a real CT compresses better.
    const dims: Vec3 = [512, 512, 300];
    const data = new Int16Array(dims[0] * dims[1] * dims[2]);
    // xorshift32 inline: 79 M voxels of noise in well under a second.
    for (let n = 0, x = 2463534242; n < data.length; n++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      data[n] = -200 + ((x >>> 0) % 500);
    }
    const volume: Volume = {
      dims,
      spacing: [0.78, 0.78, 1],
      affine: [0.78, 0, 0, -200, 0, 0.78, 0, -200, 0, 0, 1, -150, 0, 0, 0, 1],
      data,
    };
    // A 150 × 60 × 60 mm gland-sized box: about 70 mL.
    const mask = new Uint8Array(data.length);
    for (let k = 120; k < 180; k++)
      for (let j = 240; j < 317; j++) mask.fill(1, 160 + 512 * (j + 512 * k), 352 + 512 * (j + 512 * k));
    const started = performance.now();
    const big = studyReportHtml({ ...input, volume, mask });
    const seconds = (performance.now() - started) / 1000;
    const bytes = Buffer.byteLength(big);
    console.info(
      `report of a 512×512×300 noise volume: ${(bytes / 1e6).toFixed(2)} MB in ${seconds.toFixed(1)} s`,
    );
    expect(bytes).toBeLessThan(3_000_000);
    const shown = images(big);
    expect(shown).toHaveLength(AXIAL_SLICES + 2);
    for (const image of shown.slice(0, AXIAL_SLICES)) {
      expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(AXIAL_MAX_PIXELS);
    }
    for (const image of shown.slice(AXIAL_SLICES)) {
      expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(FULL_VIEW_MAX_PIXELS);
    }
  });
});

describe('failure report', () => {
  const failure = {
    stage: 'Validate' as const,
    code: 'INPUT_REJECTED',
    message: [
      '[CLINICAL_INVALID] clinical.json admission.wbc: expected a number, got string "Zhang Wei"',
      '[CLINICAL_UNIT_UNKNOWN] clinical.json admission.triglycerides.unit: unit "mg/dl" is not accepted; use mmol/L',
      '[NIFTI_TRUNCATED] image/Zhang_Wei_CT.nii.gz: the file ends early',
    ].join('\n'),
  };
  const html = failureReportHtml({ studyId: 's1', failure, failedAt: '2025-03-01T12:00:00.000Z' });

  it('says where the study stopped and why, one line per issue', () => {
    expect(html).toContain('<th>Status</th><td>FAILED</td>');
    expect(html).toContain('<th>Stage</th><td>Validate</td>');
    expect(html).toContain('<th>Code</th><td>INPUT_REJECTED</td>');
    expect(html.match(/<li>/g)).toHaveLength(3);
    expect(html).toContain('[CLINICAL_INVALID] clinical.json admission.wbc: expected a number, got string');
  });

  it('leaves out text quoted from the upload and uploaded file names, keeping contract words', () => {
    expect(html).not.toContain('Zhang');
    expect(html).not.toContain('mg/dl');
    expect(withoutUploadedText('did you mean "triglycerides"? send {"value": 2, "unit": "mmol/L"}')).toBe(
      'did you mean "triglycerides"? send {"value": 2, "unit": "mmol/L"}',
    );
    expect(withoutUploadedText('got string "Li Na"')).toBe('got string "…"');
    expect(withoutUploadedText('image/Li_Na.dcm: not DICOM')).toBe('image/…: not DICOM');
  });
});
