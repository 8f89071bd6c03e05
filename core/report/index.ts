/** The per-study HTML report (results/{id}/report.html): pure rendering, no AWS. */
export { studyReportHtml, syntheticBanner, type StudyReportInput } from './study-report';
export { failureReportHtml, withoutUploadedText, type FailureReportInput } from './failure-report';
export { reviewMask, maskWarnings, PLAUSIBLE_PANCREAS_ML, MIN_LARGEST_PIECE_SHARE } from './mask-review';
export type { MaskReview, MaskWarning, MaskWarningCode } from './mask-review';
export { ctViews, AXIAL_SLICES, AXIAL_MAX_PIXELS, FULL_VIEW_MAX_PIXELS, type CtView } from './ct-views';
export {
  renderSlice,
  SOFT_TISSUE_WINDOW,
  MASK_TINT,
  MASK_OUTLINE,
  type Plane,
  type SliceImage,
} from './slice-view';
export { encodeIndexedPng, pngDataUri, type IndexedImage } from './png';
