/**
 * The DICOM attributes this reader uses, keyed by keyword, in dicom-parser's `xGGGGEEEE` form. Only what
 * geometry, pixel decoding, the validation report and the DICOM SEG's references (UIDs) need: nothing that
 * identifies a patient (identification.ts reads those, for the SEG only).
 */
export const TAG = {
  MediaStorageSOPClassUID: 'x00020002',
  TransferSyntaxUID: 'x00020010',
  SpecificCharacterSet: 'x00080005',
  ImageType: 'x00080008',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  Modality: 'x00080060',
  Manufacturer: 'x00080070',
  SeriesDescription: 'x0008103e',
  ManufacturerModelName: 'x00081090',
  SliceThickness: 'x00180050',
  SpacingBetweenSlices: 'x00180088',
  StudyInstanceUID: 'x0020000d',
  SeriesInstanceUID: 'x0020000e',
  ImagePositionPatient: 'x00200032',
  ImageOrientationPatient: 'x00200037',
  FrameOfReferenceUID: 'x00200052',
  SamplesPerPixel: 'x00280002',
  PhotometricInterpretation: 'x00280004',
  NumberOfFrames: 'x00280008',
  Rows: 'x00280010',
  Columns: 'x00280011',
  PixelSpacing: 'x00280030',
  BitsAllocated: 'x00280100',
  BitsStored: 'x00280101',
  HighBit: 'x00280102',
  PixelRepresentation: 'x00280103',
  PixelPaddingValue: 'x00280120',
  PixelPaddingRangeLimit: 'x00280121',
  RescaleIntercept: 'x00281052',
  RescaleSlope: 'x00281053',
  ModalityLUTSequence: 'x00283000',
  FloatPixelData: 'x7fe00008',
  DoubleFloatPixelData: 'x7fe00009',
  PixelData: 'x7fe00010',
} as const;

export type TagKeyword = keyof typeof TAG;

/** Media Storage Directory Storage: a DICOMDIR index file, which holds no image. */
export const DICOMDIR_SOP_CLASS_UID = '1.2.840.10008.1.3.10';
