import type { Volume } from '../imaging/volume';
import { ctViews, type CtView } from './ct-views';
import { escapeHtml } from './html';
import type { MaskReview } from './mask-review';
import { encodeIndexedPng, pngDataUri } from './png';
import { SOFT_TISSUE_WINDOW } from './slice-view';

export const SEGMENTATION_STYLE =
  '.views{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start}.views figure{margin:0}' +
  '.views img{display:block;background:#000;image-rendering:auto}.views figcaption{font-size:12px;color:#616161}' +
  '.warning{background:#fff3e0;border-left:4px solid #ef6c00;padding:6px 10px;margin:6px 0}';

const AXIS_LETTER = { axial: 'z', coronal: 'y', sagittal: 'x' } as const;
/**
 * Coarse CTs give small images (a 1.5 mm grid crops the gland to ~130 px): the browser scales them up to
 * this size on screen, up to 3×, rather than the PNG carrying the extra pixels.
 */
const MIN_SHOWN_PX = 260;
const MAX_UPSCALE = 3;

/** The CT with the pancreas mask over it, the mask's volume and what looks wrong with it. */
export function segmentationSection(volume: Volume, mask: Uint8Array, review: MaskReview): string {
  const views = ctViews(volume, mask, review);
  const { width, level } = SOFT_TISSUE_WINDOW;
  const warnings = review.warnings
    .map((w) => `<p class="warning" data-code="${w.code}">⚠ ${escapeHtml(w.message)}</p>`)
    .join('\n');
  const pieces = review.pieces.length > 1 ? ` in ${review.pieces.length} pieces` : '';
  return `<section id="segmentation"><h2>Segmentation</h2>
<p>Pancreas mask: <strong>${review.volumeMl.toFixed(1)} mL</strong> (${review.voxels} voxels${pieces}), on a CT of ${volume.dims.join(' × ')} voxels of ${volume.spacing.map((s) => s.toFixed(2)).join(' × ')} mm.</p>
${warnings}
<p>Soft-tissue window W${width}/L${level} HU; the mask is tinted green and outlined in yellow. Radiological convention: the patient's right is on the left of every image; anterior is up on axial, superior up on coronal and sagittal, anterior left on sagittal images.</p>
<div class="views">
${views.map(figure).join('\n')}
</div>
</section>`;
}

function figure(view: CtView): string {
  const { image } = view;
  const plane = view.plane[0]!.toUpperCase() + view.plane.slice(1);
  const where = `${AXIS_LETTER[view.plane]} = ${view.positionMm.toFixed(1)} mm`;
  const caption = `${plane} ${view.index + 1} of ${view.of} (${where})`;
  const scale = Math.min(MAX_UPSCALE, Math.max(1, MIN_SHOWN_PX / Math.max(image.width, image.height)));
  const [width, height] = [image.width, image.height].map((n) => Math.round(n * scale));
  return `<figure class="view" data-plane="${view.plane}"><img src="${pngDataUri(encodeIndexedPng(image))}" width="${width}" height="${height}" alt="${escapeHtml(`${caption}, pancreas mask overlaid`)}"><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}
