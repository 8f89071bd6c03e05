/** Coded concepts of the pancreas segment and its derivation (PS3.16). */
export interface CodedConcept {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

/** CID 7150 Segmentation Property Category: SCT 91723000 "Anatomical Structure". */
export const ANATOMICAL_STRUCTURE: CodedConcept = {
  CodeValue: '91723000',
  CodingSchemeDesignator: 'SCT',
  CodeMeaning: 'Anatomical Structure',
};

/** CID 7154 Anatomic Structure (via CID 4031 Common Anatomic Regions): SCT 15776009 "Pancreas". */
export const PANCREAS: CodedConcept = {
  CodeValue: '15776009',
  CodingSchemeDesignator: 'SCT',
  CodeMeaning: 'Pancreas',
};

/** CID 7203 Image Derivation: DCM 113076 "Segmentation". */
export const SEGMENTATION_DERIVATION: CodedConcept = {
  CodeValue: '113076',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Segmentation',
};

/** CID 7202 Source Image Purposes of Reference: DCM 121322. */
export const SOURCE_IMAGE_FOR_PROCESSING: CodedConcept = {
  CodeValue: '121322',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Source image for image processing operation',
};
