import dcmjs from 'dcmjs';
import type { DicomSourceRecord, IdentificationKeyword } from '../imaging/dicom';
import type { VoxelGrid } from '../imaging/orientation';
import {
  ANATOMICAL_STRUCTURE,
  PANCREAS,
  SEGMENTATION_DERIVATION,
  SOURCE_IMAGE_FOR_PROCESSING,
} from './codes';
import { decimalString, dicomDateTime, uidFromName } from './dicom-values';
import { framePixels, packFrames, slicesWithMask, sourcePixelLayout } from './frames';

export const SEGMENTATION_STORAGE_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const IMPLEMENTATION_CLASS_UID = uidFromName('sap-pipeline DICOM SEG writer');
/** Apart from the scanner's series numbers (usually below 1000). */
const SEG_SERIES_NUMBER = 1001;
/**
 * Type 2 attributes of the Patient and General Study modules: present in every SEG, empty when the source
 * has no value (an empty attribute identifies no one).
 */
const TYPE_2_IDENTIFICATION: IdentificationKeyword[] = [
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'StudyDate',
  'StudyTime',
  'ReferringPhysicianName',
  'StudyID',
  'AccessionNumber',
];

export interface SegmentationModel {
  name: string;
  version: string;
  sha256?: string;
}

export interface PancreasSegmentationInput {
  /** The pancreas mask on the normalised volume's grid (1 inside); `source.slices[k]` is its slice k. */
  mask: VoxelGrid<Uint8Array>;
  source: DicomSourceRecord;
  /** The U-Net that made the mask. */
  model: SegmentationModel;
  /** Names this SEG (e.g. study and manifest version): the same name gives the same UIDs. */
  instanceName: string;
  createdAt: Date;
  /** The mask comes from a synthetic demo model: said in the SEG's description. */
  notForClinicalUse?: boolean;
}

/**
 * The mask as a DICOM Segmentation (PS3.3 A.51), Part 10, Explicit VR Little Endian: one BINARY segment
 * "Pancreas" (SCT 15776009, category SCT 91723000), algorithm type AUTOMATIC named after the U-Net, one
 * 1-bit frame per source image that holds pancreas, each on that image's plane (its ImagePositionPatient
 * and the series' ImageOrientationPatient and PixelSpacing, in the source's row and column order) and
 * referencing it (DerivationImageSequence). Same study, Frame of Reference and patient identification as
 * the source (only what the source has). An empty mask gives one empty frame (a SEG has at least one).
 */
export function buildPancreasSegmentation(input: PancreasSegmentationInput): Uint8Array {
  const { mask, source, model } = input;
  const layout = sourcePixelLayout(mask, source);
  const withMask = slicesWithMask(mask);
  const frameSlices = withMask.length > 0 ? withMask : [Math.floor(source.slices.length / 2)];
  const pixelData = packFrames(frameSlices.map((k) => framePixels(mask, layout, source, k)));

  const sopInstanceUid = uidFromName(`${input.instanceName}:seg-instance`);
  const dimensionOrganizationUid = uidFromName(`${input.instanceName}:seg-dimensions`);
  const { date, time } = dicomDateTime(input.createdAt);
  const frameSource = (k: number) => ({
    ReferencedSOPClassUID: source.sopClassUid,
    ReferencedSOPInstanceUID: source.slices[k]!.sopInstanceUid,
  });
  // LO values hold at most 64 characters: the notice gets the content description to itself.
  const description = `Pancreas, ${model.name} ${model.version}`.slice(0, 64);
  const content = input.notForClinicalUse ? 'Synthetic demo model: not for clinical use' : description;

  const dataset: Record<string, unknown> = {
    ...characterSet(source),
    SOPClassUID: SEGMENTATION_STORAGE_SOP_CLASS_UID,
    SOPInstanceUID: sopInstanceUid,
    ...identification(source),
    StudyInstanceUID: source.studyInstanceUid,
    Modality: 'SEG',
    SeriesInstanceUID: uidFromName(`${input.instanceName}:seg-series`),
    SeriesNumber: SEG_SERIES_NUMBER,
    SeriesDescription: description,
    FrameOfReferenceUID: source.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    Manufacturer: 'sap-pipeline',
    ManufacturerModelName: model.name.slice(0, 64),
    DeviceSerialNumber: (model.sha256 ?? model.version).slice(0, 16),
    SoftwareVersions: model.version.slice(0, 64),
    InstanceNumber: 1,
    ContentDate: date,
    ContentTime: time,
    ContentLabel: 'PANCREAS',
    ContentDescription: content,
    ContentCreatorName: '',
    ImageType: ['DERIVED', 'PRIMARY'],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: source.rows,
    Columns: source.columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    SegmentSequence: [
      {
        SegmentNumber: 1,
        SegmentLabel: 'Pancreas',
        SegmentAlgorithmType: 'AUTOMATIC',
        SegmentAlgorithmName: model.name.slice(0, 64),
        SegmentedPropertyCategoryCodeSequence: [ANATOMICAL_STRUCTURE],
        SegmentedPropertyTypeCodeSequence: [PANCREAS],
      },
    ],
    DimensionOrganizationType: '3D',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: [
      dimension(dimensionOrganizationUid, 0x0062000b, 0x0062000a, 'ReferencedSegmentNumber'),
      dimension(dimensionOrganizationUid, 0x00200032, 0x00209113, 'ImagePositionPatient'),
    ],
    NumberOfFrames: frameSlices.length,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [pixelMeasures(mask, source)],
        PlaneOrientationSequence: [
          { ImageOrientationPatient: source.imageOrientationPatient.map(decimalString) },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: frameSlices.map((k) => ({
      FrameContentSequence: [{ DimensionIndexValues: [1, k + 1] }],
      PlanePositionSequence: [
        { ImagePositionPatient: source.slices[k]!.imagePositionPatient.map(decimalString) },
      ],
      DerivationImageSequence: [
        {
          SourceImageSequence: [
            { ...frameSource(k), PurposeOfReferenceCodeSequence: [SOURCE_IMAGE_FOR_PROCESSING] },
          ],
          DerivationCodeSequence: [SEGMENTATION_DERIVATION],
        },
      ],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: 1 }],
    })),
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: source.seriesInstanceUid,
        ReferencedInstanceSequence: frameSlices.map(frameSource),
      },
    ],
    PixelData: pixelData.buffer.slice(pixelData.byteOffset, pixelData.byteOffset + pixelData.byteLength),
    // PixelData may be OB or OW: 1-bit frames are a byte stream.
    _vrMap: { PixelData: 'OB' },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SEGMENTATION_STORAGE_SOP_CLASS_UID,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'SAP_SEG_1',
  };
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const file = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  file.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(file.write());
}

/** The source's identification (only what it has) over empty type 2 attributes. */
function identification(source: DicomSourceRecord): Record<string, string> {
  const empty = Object.fromEntries(TYPE_2_IDENTIFICATION.map((keyword) => [keyword, '']));
  return { ...empty, ...source.identification };
}

/** dcmjs writes text as UTF-8: say so when a copied value is not plain ASCII. */
function characterSet(source: DicomSourceRecord): { SpecificCharacterSet?: string } {
  const ascii = Object.values(source.identification).every((v) => /^[\x20-\x7e]*$/.test(v));
  return ascii ? {} : { SpecificCharacterSet: 'ISO_IR 192' };
}

function dimension(organization: string, pointer: number, group: number, label: string) {
  return {
    DimensionOrganizationUID: organization,
    DimensionIndexPointer: pointer,
    FunctionalGroupPointer: group,
    DimensionDescriptionLabel: label,
  };
}

/**
 * PixelSpacing as the source's; SliceThickness the source's (else the slice spacing); SpacingBetweenSlices
 * the distance between consecutive slices along the normal (the mask's k step projected on it).
 */
function pixelMeasures(mask: VoxelGrid<Uint8Array>, source: DicomSourceRecord) {
  const [a, b, c, d, e, f] = source.imageOrientationPatient as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const normalLps = [b * f - c * e, c * d - a * f, a * e - b * d];
  const kStepLps = [-mask.affine[2]!, -mask.affine[6]!, mask.affine[10]!];
  const spacing = Math.abs(kStepLps.reduce((sum, v, n) => sum + v * normalLps[n]!, 0));
  return {
    PixelSpacing: source.pixelSpacing.map(decimalString),
    SliceThickness: decimalString(source.sliceThickness ?? spacing),
    SpacingBetweenSlices: decimalString(spacing),
  };
}
