import type { DataSet } from 'dicom-parser';
import { TAG } from './tags';

/**
 * The patient and study identification a derived object (the pancreas DICOM SEG) copies from its source
 * series so that a PACS files it with the right patient and study: the Patient module, the patient
 * de-identification flags and the General Study module, by keyword, in dicom-parser's `xGGGGEEEE` form.
 * These values identify the patient: they go only into work/…/dicom-source.json and the SEG, never into a
 * log, a report or an error message.
 */
export const IDENTIFICATION_TAGS = {
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  IssuerOfPatientID: 'x00100021',
  PatientBirthDate: 'x00100030',
  PatientBirthTime: 'x00100032',
  PatientSex: 'x00100040',
  PatientIdentityRemoved: 'x00120062',
  DeidentificationMethod: 'x00120063',
  StudyDate: 'x00080020',
  StudyTime: 'x00080030',
  AccessionNumber: 'x00080050',
  ReferringPhysicianName: 'x00080090',
  StudyDescription: 'x00081030',
  StudyID: 'x00200010',
} as const;

export type IdentificationKeyword = keyof typeof IDENTIFICATION_TAGS;
export const IDENTIFICATION_KEYWORDS = Object.keys(IDENTIFICATION_TAGS) as IdentificationKeyword[];

/** Each identification attribute the data set holds (present, even if empty), as text. */
export type DicomIdentification = Partial<Record<IdentificationKeyword, string>>;

/**
 * SpecificCharacterSet defined terms (PS3.3 C.12.1.1.2) without code extensions, as WHATWG encoding labels.
 * Absent or ISO_IR 6 is ASCII, which latin1 decodes unchanged.
 */
const ENCODINGS: Record<string, string> = {
  '': 'latin1',
  'ISO_IR 6': 'latin1',
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/**
 * The identification attributes of one data set, decoded to Unicode by its SpecificCharacterSet (the SEG is
 * written in UTF-8). Only attributes present in the data set appear. Under a character set this reader
 * cannot decode (ISO 2022 code extensions), a value that is not printable ASCII is recorded empty rather
 * than garbled: the SEG then carries less than the source, never something else.
 */
export function readIdentification(dataSet: DataSet): DicomIdentification {
  const charset = (dataSet.string(TAG.SpecificCharacterSet) ?? '').trim();
  // Several values, or an ISO 2022 term, mean code extensions (escape sequences) this reader does not follow.
  const encoding = charset.includes('\\') || charset.includes('2022') ? undefined : ENCODINGS[charset];
  const decoder = encoding ? new TextDecoder(encoding) : undefined;
  const identification: DicomIdentification = {};
  for (const keyword of IDENTIFICATION_KEYWORDS) {
    const element = dataSet.elements[IDENTIFICATION_TAGS[keyword]];
    if (!element) continue;
    const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    // ISO 2022 switches sets with ESC sequences of 7-bit bytes: only printable ASCII is safe to read as is.
    const plain = bytes.every((b) => (b >= 0x20 && b < 0x7f) || b === 0);
    const text = decoder ? decoder.decode(bytes) : plain ? new TextDecoder('latin1').decode(bytes) : '';
    // Values are padded to even length with a space (or NUL): padding is not part of the value.
    identification[keyword] = text.replace(/[\s\0]+$/, '');
  }
  return identification;
}
