import type { Vec3, Volume } from '../imaging/volume';
import { ds, encodePart10, is, ob, str, us, type DicomElement, type TransferSyntax } from './dicom-encoding';
import { seededUid } from './uid';

export interface DicomSeriesOptions {
  /** Default `explicit` (1.2.840.10008.1.2.1); `implicit` writes 1.2.840.10008.1.2. */
  transferSyntax?: TransferSyntax;
  /** Stored value = HU − intercept (slope 1). Default −1024 (stored = HU + 1024); 0 stores HU itself. */
  rescaleIntercept?: number;
  /** Seeds the UIDs and PatientID. Default: a hash of the volume (its dims, affine and voxels). */
  seed?: number;
  /**
   * `volume` (default): columns follow i and rows follow j, as the volume is stored (for the canonical grid
   * IOP is −1\0\0\0\−1\0). `scanner`: both in-plane axes reversed, the usual scanner layout for a canonical
   * volume (IOP 1\0\0\0\1\0: columns toward the patient's left, rows toward the back).
   */
  layout?: 'volume' | 'scanner';
  seriesDescription?: string;
  /** (0010,0040); empty when not given. */
  patientSex?: 'M' | 'F' | 'O';
}

export interface DicomFile {
  /** `<32 hex digits>.dcm`, from the SOPInstanceUID: not in slice order, so readers must sort by position. */
  name: string;
  bytes: Uint8Array;
}

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const IMPLEMENTATION_CLASS_UID = seededUid(0, 'sap-pipeline phantom DICOM writer').uid;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * One CT image per slice k, as DICOM Part-10 files. Geometry follows the volume's RAS+ affine turned into
 * DICOM's LPS+ (x and y negated): ImagePositionPatient is the world position of the slice's first pixel,
 * ImageOrientationPatient holds the direction of increasing column index then of increasing row index, and
 * PixelSpacing is [between rows, between columns]. A reader that builds
 * P(c, r) = IPP + c·PixelSpacing[1]·IOP[0..2] + r·PixelSpacing[0]·IOP[3..5] gets the volume's positions back.
 * No patient identifiers: PatientName PHANTOM^SYNTHETIC, PatientID from the seed, no dates.
 */
export function encodeDicomSeries(volume: Volume, options: DicomSeriesOptions = {}): DicomFile[] {
  const [nx, ny, nz] = volume.dims;
  if (volume.data.length !== nx * ny * nz) throw new RangeError('volume data length does not match its dims');
  if (nx > 0xffff || ny > 0xffff) throw new RangeError('Rows and Columns must fit 16 bits');
  const syntax = options.transferSyntax ?? 'explicit';
  const intercept = options.rescaleIntercept ?? -1024;
  if (!Number.isInteger(intercept)) throw new RangeError('rescaleIntercept must be an integer');
  const seed = options.seed ?? volumeHash(volume);
  const scanner = options.layout === 'scanner';

  const a = volume.affine;
  const column = (c: number): Vec3 => [a[c]!, a[4 + c]!, a[8 + c]!];
  const sign = scanner ? -1 : 1;
  const alongRow = scale(column(0), sign); // world step for column index + 1
  const alongColumn = scale(column(1), sign); // world step for row index + 1
  const firstPixel = (k: number): Vec3 => {
    const i = scanner ? nx - 1 : 0;
    const j = scanner ? ny - 1 : 0;
    return [0, 1, 2].map(
      (w) => a[w * 4]! * i + a[w * 4 + 1]! * j + a[w * 4 + 2]! * k + a[w * 4 + 3]!,
    ) as Vec3;
  };
  const rowSpacing = norm(alongColumn);
  const columnSpacing = norm(alongRow);
  const rowDir = toLps(scale(alongRow, 1 / columnSpacing));
  const columnDir = toLps(scale(alongColumn, 1 / rowSpacing));
  const normal = cross(rowDir, columnDir);
  const sliceSpacing = norm(column(2));

  const study = seededUid(seed, 'study').uid;
  const series = seededUid(seed, 'series').uid;
  const frame = seededUid(seed, 'frame-of-reference').uid;
  const shared: DicomElement[] = [
    str(0x00080008, 'CS', ['ORIGINAL', 'PRIMARY', 'AXIAL']),
    str(0x00080016, 'UI', CT_IMAGE_STORAGE),
    str(0x00080020, 'DA', ''), // StudyDate: type 2, left empty (no dates)
    str(0x00080030, 'TM', ''),
    str(0x00080050, 'SH', ''),
    str(0x00080060, 'CS', 'CT'),
    str(0x00080070, 'LO', 'sap-pipeline synthetic phantom'),
    str(0x00080090, 'PN', ''),
    str(0x0008103e, 'LO', options.seriesDescription ?? 'Synthetic abdominal CT phantom'),
    str(0x00100010, 'PN', 'PHANTOM^SYNTHETIC'),
    str(0x00100020, 'LO', `PHANTOM-${seed}`),
    str(0x00100030, 'DA', ''),
    str(0x00100040, 'CS', options.patientSex ?? ''),
    ds(0x00180050, [sliceSpacing]), // SliceThickness: contiguous slices
    str(0x00180060, 'DS', '120'), // KVP
    ds(0x00180088, [sliceSpacing]), // SpacingBetweenSlices
    str(0x00185100, 'CS', 'HFS'), // head first supine
    str(0x0020000d, 'UI', study),
    str(0x0020000e, 'UI', series),
    str(0x00200010, 'SH', '1'),
    is(0x00200011, 1),
    ds(0x00200037, [...rowDir, ...columnDir]),
    str(0x00200052, 'UI', frame),
    us(0x00280002, 1),
    str(0x00280004, 'CS', 'MONOCHROME2'),
    us(0x00280010, ny),
    us(0x00280011, nx),
    ds(0x00280030, [rowSpacing, columnSpacing]),
    us(0x00280100, 16),
    us(0x00280101, 16),
    us(0x00280102, 15),
    us(0x00280103, 1),
    str(0x00281050, 'DS', '40'), // abdominal soft-tissue window
    str(0x00281051, 'DS', '400'),
    ds(0x00281052, [intercept]),
    str(0x00281053, 'DS', '1'),
    str(0x00281054, 'LO', 'HU'),
  ];
  const sliceVoxels = nx * ny;
  const files: DicomFile[] = [];
  for (let k = 0; k < nz; k++) {
    const sop = seededUid(seed, `sop:${k}`);
    const position = toLps(firstPixel(k));
    const meta = [
      ob(0x00020001, new Uint8Array([0, 1])),
      str(0x00020002, 'UI', CT_IMAGE_STORAGE),
      str(0x00020003, 'UI', sop.uid),
      str(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID),
      str(0x00020013, 'SH', 'SAP_PHANTOM_1'),
    ];
    const dataset = [
      ...shared,
      str(0x00080018, 'UI', sop.uid),
      is(0x00200013, k + 1),
      ds(0x00200032, position),
      ds(0x00201041, [dot(position, normal)]),
    ];
    const slice = volume.data.subarray(k * sliceVoxels, (k + 1) * sliceVoxels);
    const bytes = encodePart10(meta, dataset, syntax, {
      byteLength: sliceVoxels * 2,
      write: (out, offset) => writePixels(out, offset, slice, intercept, scanner),
    });
    files.push({ name: `${sop.hex}.dcm`, bytes });
  }
  return files.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** Stored = HU − intercept as little-endian int16, reversed for the scanner layout. */
function writePixels(
  out: Uint8Array,
  offset: number,
  slice: Int16Array,
  intercept: number,
  reverse: boolean,
) {
  const n = slice.length;
  const check = (stored: number) => {
    if (stored < -32768 || stored > 32767) {
      throw new RangeError(`HU ${stored + intercept} does not fit int16 with rescale intercept ${intercept}`);
    }
    return stored;
  };
  if (LITTLE_ENDIAN && (out.byteOffset + offset) % 2 === 0) {
    const target = new Int16Array(out.buffer, out.byteOffset + offset, n);
    for (let p = 0; p < n; p++) target[p] = check(slice[reverse ? n - 1 - p : p]! - intercept);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, n * 2);
  for (let p = 0; p < n; p++) view.setInt16(p * 2, check(slice[reverse ? n - 1 - p : p]! - intercept), true);
}

/** 32-bit hash of the volume's dims, affine and voxels: the default seed, so distinct volumes get distinct UIDs. */
function volumeHash(volume: Volume): number {
  let h = 0x811c9dc5;
  const mix = (x: number) => {
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h ^= h >>> 15;
  };
  volume.dims.forEach(mix);
  volume.affine.forEach((v) => mix(Math.round(v * 1e6)));
  const data = volume.data;
  if (data.byteOffset % 4 === 0) {
    // Two voxels per step: the hash of a 512×512×300 volume takes a fraction of a second.
    const words = new Int32Array(data.buffer, data.byteOffset, data.length >> 1);
    for (let n = 0; n < words.length; n++) mix(words[n]!);
    if (data.length % 2 === 1) mix(data[data.length - 1]!);
  } else {
    for (let n = 0; n < data.length; n++) mix(data[n]!);
  }
  return h >>> 0;
}

const toLps = (v: Vec3): Vec3 => [-v[0], -v[1], v[2]];
const scale = (v: Vec3, f: number): Vec3 => [v[0] * f, v[1] * f, v[2] * f];
const norm = (v: Vec3) => Math.hypot(v[0], v[1], v[2]);
const dot = (u: Vec3, v: Vec3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
const cross = (u: Vec3, v: Vec3): Vec3 => [
  u[1] * v[2] - u[2] * v[1],
  u[2] * v[0] - u[0] * v[2],
  u[0] * v[1] - u[1] * v[0],
];
