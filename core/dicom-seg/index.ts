/** The pancreas mask as a DICOM Segmentation of its source series (DICOM uploads only). */
export type { PancreasSegmentationInput, SegmentationModel } from './build-segmentation';
export { buildPancreasSegmentation, SEGMENTATION_STORAGE_SOP_CLASS_UID } from './build-segmentation';
