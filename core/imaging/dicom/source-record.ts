import { z } from 'zod';
import { invertAffine, multiplyAffines } from '../orientation';
import type { Affine } from '../volume';
import { IDENTIFICATION_KEYWORDS, type IdentificationKeyword } from './identification';
import type { DicomSlice } from './parse-slice';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const uid = z.string().regex(/^[0-9.]{1,64}$/);

/**
 * `work/{id}/v-…/dicom-source.json`, DICOM uploads only: what a DICOM Segmentation of the run's mask must
 * reference (study, series, Frame of Reference, one source instance per slice) and the patient and study
 * identification it copies. `slices[k]` is slice k of the normalised (canonical RAS) volume, with its
 * source ImagePositionPatient so a reader can check the mapping. Holds patient data: never logged.
 */
export const dicomSourceRecordSchema = z
  .object({
    schemaVersion: z.literal(1),
    studyInstanceUid: uid,
    seriesInstanceUid: uid,
    frameOfReferenceUid: uid,
    sopClassUid: uid,
    rows: z.number().int().positive(),
    columns: z.number().int().positive(),
    /** As written: [between rows, between columns], mm. */
    pixelSpacing: z.tuple([z.number().positive(), z.number().positive()]),
    /** Row direction then column direction, LPS+ (shared by every slice of the series). */
    imageOrientationPatient: z.array(z.number()).length(6),
    sliceThickness: z.number().positive().optional(),
    slices: z.array(z.object({ sopInstanceUid: uid, imagePositionPatient: vec3 }).strict()).min(1),
    /** The identification attributes present in the source, decoded (empty ones included). */
    identification: z.partialRecord(z.enum(IDENTIFICATION_KEYWORDS as [IdentificationKeyword]), z.string()),
  })
  .strict();

export type DicomSourceRecord = z.infer<typeof dicomSourceRecordSchema>;

/** A series a DICOM SEG cannot reference, and why (no value of the series: safe to log). */
export interface NoDicomSource {
  reason: string;
}

/**
 * The record of a series read by readDicomSeries, `sorted` being its geometry's slice order (slice k of the
 * volume as read, before reorientation). NoDicomSource when an attribute every SEG needs is missing or
 * inconsistent: the study is still scored, only without a SEG.
 */
export function dicomSourceRecord(sorted: DicomSlice[]): DicomSourceRecord | NoDicomSource {
  const first = sorted[0]!;
  const same = (value: (s: DicomSlice) => string | undefined) => {
    const wanted = value(first);
    return wanted !== undefined && sorted.every((s) => value(s) === wanted) ? wanted : undefined;
  };
  const studyInstanceUid = same((s) => s.studyInstanceUid);
  const frameOfReferenceUid = same((s) => s.frameOfReferenceUid);
  const sopClassUid = same((s) => s.sopClassUid);
  if (!studyInstanceUid) return { reason: 'StudyInstanceUID missing or not the same in every slice' };
  if (!frameOfReferenceUid) return { reason: 'FrameOfReferenceUID missing or not the same in every slice' };
  if (!sopClassUid) return { reason: 'SOPClassUID missing or not the same in every slice' };
  const instances = sorted.map((s) => s.sopInstanceUid);
  if (instances.some((u) => u === undefined)) return { reason: 'a slice has no SOPInstanceUID' };
  if (new Set(instances).size !== instances.length) return { reason: 'two slices share a SOPInstanceUID' };
  const parsed = dicomSourceRecordSchema.safeParse({
    schemaVersion: 1,
    studyInstanceUid,
    seriesInstanceUid: first.seriesInstanceUid,
    frameOfReferenceUid,
    sopClassUid,
    rows: first.rows,
    columns: first.columns,
    pixelSpacing: first.pixelSpacing,
    imageOrientationPatient: [...first.iDirection, ...first.jDirection],
    sliceThickness: first.sliceThickness,
    slices: sorted.map((s) => ({ sopInstanceUid: s.sopInstanceUid, imagePositionPatient: s.position })),
    identification: first.readIdentification(),
  });
  // Only the attribute names: the issues' messages could quote a value.
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
    return { reason: `not valid DICOM UIDs or values: ${fields.join(', ')}` };
  }
  return parsed.data;
}

/**
 * The record with its slices in the order of the normalised volume, given the affine of the volume as read
 * (slice k = record slice k) and of the reoriented one. Reorientation only permutes and flips axes
 * (orientation.ts); an axial series keeps its slices along k, at most reversed. NoDicomSource if the
 * slices did not stay slices (then no SEG frame could be one source image).
 */
export function inCanonicalSliceOrder(
  record: DicomSourceRecord,
  sourceAffine: Affine,
  canonicalAffine: Affine,
): DicomSourceRecord | NoDicomSource {
  // canonical voxel → source voxel: a signed permutation (plus offset), up to float noise.
  const toSource = multiplyAffines(invertAffine(sourceAffine), canonicalAffine);
  const at = (row: number, column: number) => toSource[row * 4 + column]!;
  const n = record.slices.length;
  const reversed = at(2, 2) < 0;
  const kAlongK =
    Math.abs(Math.abs(at(2, 2)) - 1) < 1e-6 && Math.abs(at(2, 3) - (reversed ? n - 1 : 0)) < 1e-6;
  const kOnlyFromK = [at(0, 2), at(1, 2), at(2, 0), at(2, 1)].every((v) => Math.abs(v) < 1e-6);
  if (!kAlongK || !kOnlyFromK) {
    return { reason: 'the normalised volume does not keep the source slices as its k slices' };
  }
  return reversed ? { ...record, slices: [...record.slices].reverse() } : record;
}

export function isDicomSourceRecord(value: DicomSourceRecord | NoDicomSource): value is DicomSourceRecord {
  return 'slices' in value;
}
