/**
 * The part of dcmjs (it bundles no types) this repository uses: DicomDict/DicomMetaDictionary to write a
 * DICOM Segmentation (core/dicom-seg) and DicomMessage to read Part 10 files back (tests).
 */
declare module 'dcmjs' {
  interface DicomElement {
    vr: string;
    Value: unknown[];
  }
  type DenaturalizedDataset = Record<string, DicomElement>;
  class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict;
      DicomMessage: { readFile(buffer: ArrayBuffer): DicomDict };
      DicomMetaDictionary: {
        /** Keyword-keyed dataset (`_vrMap` names the VR of ambiguous attributes) to tag-keyed elements. */
        denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset;
        naturalizeDataset(dataset: DenaturalizedDataset): Record<string, unknown>;
      };
    };
  };
  export default dcmjs;
}
