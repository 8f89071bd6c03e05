/**
 * What a DICOM SEG of a series references (core/imaging/dicom/source-record.ts): one source instance per
 * slice of the normalised volume, in its k order whichever way the series was stacked, and the patient and
 * study identification decoded by the series' character set; no record where a reference is missing.
 */
import { describe, expect, it } from 'vitest';
import {
  inCanonicalSliceOrder,
  isDicomSourceRecord,
  readDicomSeries,
  type DicomSourceRecord,
} from '../../core/imaging/dicom';
import { applyAffine, toCanonicalOrientation } from '../../core/imaging/orientation';
import { syntheticSlice, type DicomElement } from '../fixtures/dicom/synthetic';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const REFERENCES: DicomElement[] = [
  [0x00080016, 'UI', CT_IMAGE_STORAGE],
  [0x0020000d, 'UI', '1.2.3.7'],
  [0x00200052, 'UI', '1.2.3.8'],
];

/** 6 slices 2 mm apart, 4×4 pixels; `orientation` decides which way the slice normal points. */
function series(orientation: number[], extra: DicomElement[] = REFERENCES) {
  return Array.from({ length: 6 }, (_, k) => ({
    name: `slice-${k}.dcm`,
    bytes: syntheticSlice({
      rows: 4,
      columns: 4,
      values: new Array(16).fill(40),
      position: [10, 20, 2 * k - 5],
      orientation,
      extra,
    }),
  }));
}

function canonicalRecord(files: ReturnType<typeof series>) {
  const read = readDicomSeries(files);
  const volume = toCanonicalOrientation(read.volume);
  expect(isDicomSourceRecord(read.source)).toBe(true);
  const record = inCanonicalSliceOrder(read.source as DicomSourceRecord, read.volume.affine, volume.affine);
  if (!isDicomSourceRecord(record)) throw new Error(record.reason);
  return { record, volume };
}

describe('DICOM source record', () => {
  for (const [stacking, orientation] of [
    ['normal toward the head', [1, 0, 0, 0, 1, 0]],
    ['normal toward the feet', [1, 0, 0, 0, -1, 0]],
  ] as const) {
    it(`lists the source instance of each normalised slice, ${stacking}`, () => {
      const { record, volume } = canonicalRecord(series([...orientation]));
      expect(record.slices).toHaveLength(6);
      record.slices.forEach((slice, k) => {
        // Slice k of the normalised volume lies at its source's z (LPS and RAS share z).
        expect(applyAffine(volume.affine, [0, 0, k])[2]).toBeCloseTo(slice.imagePositionPatient[2], 6);
        expect(slice.sopInstanceUid).toBe(
          `1.2.3.${Math.round(slice.imagePositionPatient[2] * 1000) + 100000}`,
        );
      });
      expect(record).toMatchObject({
        studyInstanceUid: '1.2.3.7',
        seriesInstanceUid: '1.2.3.1',
        frameOfReferenceUid: '1.2.3.8',
        sopClassUid: CT_IMAGE_STORAGE,
        rows: 4,
        columns: 4,
        imageOrientationPatient: [...orientation],
      });
    });
  }

  it('reads no identification the series does not have', () => {
    expect(canonicalRecord(series([1, 0, 0, 0, 1, 0])).record.identification).toEqual({});
  });

  it('decodes identification by SpecificCharacterSet (Latin-1, UTF-8), padding dropped, empty ones kept', () => {
    const latin1 = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]); // "Müller" in ISO 8859-1
    const withLatin1 = series(
      [1, 0, 0, 0, 1, 0],
      [
        ...REFERENCES,
        [0x00080005, 'CS', 'ISO_IR 100'],
        [0x00100020, 'LO', latin1],
        [0x00080050, 'SH', ''],
        [0x00200010, 'SH', 'S1 '],
      ],
    );
    expect(canonicalRecord(withLatin1).record.identification).toEqual({
      PatientID: 'Müller',
      AccessionNumber: '',
      StudyID: 'S1',
    });
    const withUtf8 = series(
      [1, 0, 0, 0, 1, 0],
      [...REFERENCES, [0x00080005, 'CS', 'ISO_IR 192'], [0x00100020, 'LO', 'Zoë-7']],
    );
    expect(canonicalRecord(withUtf8).record.identification).toEqual({ PatientID: 'Zoë-7' });
  });

  it('records an empty value rather than a garbled one under an ISO 2022 character set', () => {
    const files = series(
      [1, 0, 0, 0, 1, 0],
      [
        ...REFERENCES,
        [0x00080005, 'CS', '\\ISO 2022 IR 87'],
        [0x00100020, 'LO', new Uint8Array([0x1b, 0x24, 0x42, 0x3b, 0x33, 0x1b, 0x28, 0x42])],
        [0x00200010, 'SH', 'PLAIN1'],
      ],
    );
    expect(canonicalRecord(files).record.identification).toEqual({
      PatientID: '',
      StudyID: 'PLAIN1',
    });
  });

  it('gives the reason, and no record, when a reference the SEG needs is missing', () => {
    const noFrameOfReference = series([1, 0, 0, 0, 1, 0], REFERENCES.slice(0, 2));
    expect(readDicomSeries(noFrameOfReference).source).toEqual({
      reason: 'FrameOfReferenceUID missing or not the same in every slice',
    });
    const noStudy = series([1, 0, 0, 0, 1, 0], [REFERENCES[0]!, REFERENCES[2]!]);
    expect(readDicomSeries(noStudy).source).toEqual({
      reason: 'StudyInstanceUID missing or not the same in every slice',
    });
  });
});
