/**
 * The DICOM SEG's structure, read back with dcmjs: SEG IOD attributes, one frame per source image that holds
 * mask, each referencing that image, 1-bit packing, deterministic UIDs, and a mask on the wrong grid refused.
 */
import dcmjs from 'dcmjs';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPancreasSegmentation, SEGMENTATION_STORAGE_SOP_CLASS_UID } from '../../core/dicom-seg';
import { decimalString, uidFromName } from '../../core/dicom-seg/dicom-values';
import { packFrames } from '../../core/dicom-seg/frames';
import { DICOM_SAMPLES } from '../imaging/samples';
import { maskOf, normalisedSeries, segOf, UNET } from './seg-case';

type Item = Record<string, unknown>;
const read = (bytes: Uint8Array): Item => {
  const file = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
  return { ...dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict), _meta: file.meta };
};
const first = (value: unknown) => (value as Item[])[0]!;

const CT5N = 'pydicom_ct_series_CT5N';
const files = readdirSync(new URL(`${CT5N}/`, DICOM_SAMPLES)).map((name) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`${CT5N}/${name}`, DICOM_SAMPLES))),
}));
const { volume, source } = normalisedSeries(files);
/** Mask on slices 1 and 3 only. */
const mask = maskOf(volume, (i, j, k) => (k === 1 || k === 3) && i < 4 && j < 6);

describe('pancreas DICOM SEG', () => {
  const seg = read(segOf(mask, source));

  it('is a BINARY 1-bit Segmentation of the source study, Frame of Reference and series', () => {
    expect(seg).toMatchObject({
      SOPClassUID: SEGMENTATION_STORAGE_SOP_CLASS_UID,
      Modality: 'SEG',
      SegmentationType: 'BINARY',
      BitsAllocated: 1,
      BitsStored: 1,
      HighBit: 0,
      Rows: source.rows,
      Columns: source.columns,
      StudyInstanceUID: source.studyInstanceUid,
      FrameOfReferenceUID: source.frameOfReferenceUid,
      ContentDate: '20261206',
      ContentTime: '210000',
    });
    expect(seg.SeriesInstanceUID).not.toBe(source.seriesInstanceUid);
    expect((seg._meta as Record<string, { Value: unknown[] }>)['00020010']!.Value[0]).toBe(
      '1.2.840.10008.1.2.1',
    );
    expect(first(seg.ReferencedSeriesSequence).SeriesInstanceUID).toBe(source.seriesInstanceUid);
  });

  it('has one segment, Pancreas, coded SCT, by the named U-Net', () => {
    const segment = first(seg.SegmentSequence);
    expect(segment).toMatchObject({
      SegmentNumber: 1,
      SegmentLabel: 'Pancreas',
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentAlgorithmName: UNET.name,
    });
    expect(first(segment.SegmentedPropertyCategoryCodeSequence)).toMatchObject({
      CodeValue: '91723000',
      CodingSchemeDesignator: 'SCT',
      CodeMeaning: 'Anatomical Structure',
    });
    expect(first(segment.SegmentedPropertyTypeCodeSequence)).toMatchObject({
      CodeValue: '15776009',
      CodingSchemeDesignator: 'SCT',
      CodeMeaning: 'Pancreas',
    });
    expect(seg.SoftwareVersions).toBe(UNET.version);
  });

  it('has a frame for each source image with mask, on that image and referencing it', () => {
    expect(seg.NumberOfFrames).toBe(2);
    const frames = seg.PerFrameFunctionalGroupsSequence as Item[];
    [1, 3].forEach((k, n) => {
      const frame = frames[n]!;
      const reference = first(first(frame.DerivationImageSequence).SourceImageSequence);
      expect(reference).toMatchObject({
        ReferencedSOPClassUID: source.sopClassUid,
        ReferencedSOPInstanceUID: source.slices[k]!.sopInstanceUid,
      });
      expect(first(frame.PlanePositionSequence).ImagePositionPatient).toEqual(
        source.slices[k]!.imagePositionPatient,
      );
      expect(first(frame.FrameContentSequence).DimensionIndexValues).toEqual([1, k + 1]);
    });
    const shared = first(seg.SharedFunctionalGroupsSequence);
    expect(first(shared.PlaneOrientationSequence).ImageOrientationPatient).toEqual(
      source.imageOrientationPatient,
    );
    expect(first(shared.PixelMeasuresSequence)).toMatchObject({
      PixelSpacing: source.pixelSpacing,
      SpacingBetweenSlices: 2.5,
    });
  });

  it('packs 2 frames of 16×16 pixels into 64 bytes, 4 × 6 pixels set in each', () => {
    const pixels = new Uint8Array((seg.PixelData as ArrayBuffer[])[0]!);
    expect(pixels.length).toBe(64);
    const set = (bytes: Uint8Array) => bytes.reduce((n, b) => n + b.toString(2).split('1').length - 1, 0);
    expect(set(pixels.subarray(0, 32))).toBe(24);
    expect(set(pixels.subarray(32))).toBe(24);
  });

  it('gets the same UIDs and bytes for the same run, other UIDs for another', () => {
    const again = segOf(mask, source);
    expect(again).toEqual(segOf(mask, source));
    const other = read(
      buildPancreasSegmentation({
        mask,
        source,
        model: UNET,
        instanceName: 'study-1/manifest-v2',
        createdAt: new Date(),
      }),
    );
    expect(other.SOPInstanceUID).not.toBe(seg.SOPInstanceUID);
    expect(other.SeriesInstanceUID).not.toBe(seg.SeriesInstanceUID);
    expect(seg.SOPInstanceUID).toMatch(/^2\.25\.\d{1,39}$/);
  });

  it('refuses a mask whose slices do not match the source order or size', () => {
    const reversed = { ...source, slices: [...source.slices].reverse() };
    expect(() => segOf(mask, reversed)).toThrow(/ImagePositionPatient is not on mask slice/);
    const cropped = { ...mask, dims: [16, 16, 4] as [number, number, number] };
    expect(() => segOf(cropped, source)).toThrow(/mask has 4 slices, the source series 5/);
  });
});

describe('SEG encoding helpers', () => {
  it('packs frames bit by bit, first pixel in the lowest bit, no padding between frames', () => {
    const packed = packFrames([new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]), new Uint8Array([1, 1, 0])]);
    expect([...packed]).toEqual([0b00000001, 0b00001110]);
    expect(packFrames([new Uint8Array(17).fill(1)]).length).toBe(4);
  });

  it('writes DS values in at most 16 characters', () => {
    expect(decimalString(-40 * Math.PI)).toBe('-125.66370614359');
    expect(decimalString(2.5)).toBe('2.5');
    expect(decimalString(1e-20).length).toBeLessThanOrEqual(16);
  });

  it('makes 2.25 UIDs from names', () => {
    expect(uidFromName('a')).not.toBe(uidFromName('b'));
    expect(uidFromName('a').length).toBeLessThanOrEqual(64);
  });
});
