/**
 * The SEG carries the patient's identification by design (a PACS files it with the source study), but only
 * the source's: no identifying attribute the source lacks, none with another value, and none of the
 * source's others (institution, devices, acquisition dates) that filing does not need. The attributes are
 * those of PS3.15 Table E.1-1 (the Basic Application Level Confidentiality Profile) that a CT or SEG holds.
 */
import dcmjs from 'dcmjs';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DICOM_SAMPLES } from '../imaging/samples';
import { maskOf, normalisedSeries, segOf } from './seg-case';

/** Identifying attributes (PS3.15 Table E.1-1) by tag, keyword for the messages. */
const IDENTIFYING: Record<string, string> = {
  '00080012': 'InstanceCreationDate',
  '00080013': 'InstanceCreationTime',
  '00080020': 'StudyDate',
  '00080021': 'SeriesDate',
  '00080022': 'AcquisitionDate',
  '00080030': 'StudyTime',
  '00080031': 'SeriesTime',
  '00080032': 'AcquisitionTime',
  '00080050': 'AccessionNumber',
  '00080080': 'InstitutionName',
  '00080081': 'InstitutionAddress',
  '00080090': 'ReferringPhysicianName',
  '00081010': 'StationName',
  '00081030': 'StudyDescription',
  '00081040': 'InstitutionalDepartmentName',
  '00081048': 'PhysiciansOfRecord',
  '00081050': 'PerformingPhysicianName',
  '00081060': 'NameOfPhysiciansReadingStudy',
  '00081070': 'OperatorsName',
  '00081080': 'AdmittingDiagnosesDescription',
  '00100010': 'PatientName',
  '00100020': 'PatientID',
  '00100021': 'IssuerOfPatientID',
  '00100030': 'PatientBirthDate',
  '00100032': 'PatientBirthTime',
  '00100040': 'PatientSex',
  '00101000': 'OtherPatientIDs',
  '00101001': 'OtherPatientNames',
  '00101010': 'PatientAge',
  '00101020': 'PatientSize',
  '00101030': 'PatientWeight',
  '00101040': 'PatientAddress',
  '00102160': 'EthnicGroup',
  '00104000': 'PatientComments',
  '00181030': 'ProtocolName',
  '00200010': 'StudyID',
  '00321032': 'RequestingPhysician',
  '0020000D': 'StudyInstanceUID',
  '00200052': 'FrameOfReferenceUID',
};
/**
 * The SEG's own, required by its IOD and not taken from the source: when the mask was made (ContentDate
 * and ContentTime, type 1) and the U-Net that made it (DeviceSerialNumber of the Enhanced General
 * Equipment module, type 1: a digest of the model file).
 */
const OWN = { '00080023': 'ContentDate', '00080033': 'ContentTime', '00181000': 'DeviceSerialNumber' };

type Elements = Record<string, { vr: string; Value?: unknown[] }>;
const elements = (bytes: Uint8Array): Elements => dcmjs.data.DicomMessage.readFile(bytes.slice().buffer).dict;
/** The value as written, or undefined when absent or empty. */
const valueOf = (dict: Elements, tag: string): string | undefined => {
  const values = dict[tag]?.Value ?? [];
  const text = JSON.stringify(values);
  return values.length === 0 || text === '[""]' || text === '[null]' ? undefined : text;
};

const CT5N = 'pydicom_ct_series_CT5N';
const files = readdirSync(new URL(`${CT5N}/`, DICOM_SAMPLES)).map((name) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`${CT5N}/${name}`, DICOM_SAMPLES))),
}));

describe('identification in the SEG', () => {
  const { volume, source } = normalisedSeries(files);
  const seg = elements(
    segOf(
      maskOf(volume, (i, j) => i === j),
      source,
    ),
  );
  const sourceFile = elements(files[0]!.bytes);

  it('has no identifying attribute the source lacks, and each the same as the source', () => {
    const differing = Object.entries(IDENTIFYING).filter(
      ([tag]) => valueOf(seg, tag) !== undefined && valueOf(seg, tag) !== valueOf(sourceFile, tag),
    );
    expect(differing.map(([, keyword]) => keyword)).toEqual([]);
    // Not vacuous: the real GE series has a name, an id, a sex and study identification, and they came along.
    const carried = Object.entries(IDENTIFYING)
      .filter(([tag]) => valueOf(seg, tag) !== undefined)
      .map(([, keyword]) => keyword);
    expect(carried).toEqual(
      expect.arrayContaining([
        'PatientName',
        'PatientID',
        'PatientSex',
        'StudyDate',
        'AccessionNumber',
        'StudyID',
      ]),
    );
  });

  it('leaves out what filing does not need: age, acquisition and series dates and times', () => {
    for (const keyword of [
      'PatientAge',
      'SeriesDate',
      'AcquisitionDate',
      'InstanceCreationDate',
      'SeriesTime',
    ]) {
      const tag = Object.keys(IDENTIFYING).find((t) => IDENTIFYING[t] === keyword)!;
      expect(valueOf(sourceFile, tag), keyword).toBeDefined();
      expect(valueOf(seg, tag), keyword).toBeUndefined();
    }
  });

  it('adds only its own creation time and the model digest beside them', () => {
    const identifyingOrOwn = new Set([...Object.keys(IDENTIFYING), ...Object.keys(OWN)]);
    const added = Object.keys(seg).filter(
      (tag) =>
        /^00(08|10|20|32)/.test(tag) &&
        ['DA', 'TM', 'DT', 'PN', 'AS'].includes(seg[tag]!.vr) &&
        valueOf(seg, tag) !== undefined &&
        !identifyingOrOwn.has(tag),
    );
    expect(added).toEqual([]);
    expect(valueOf(seg, '00080023')).toBe(JSON.stringify(['20261206']));
  });
});
