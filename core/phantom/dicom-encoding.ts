/**
 * A minimal DICOM Part-10 encoder: little-endian explicit or implicit VR, no sequences, no compression.
 * Enough for single-frame CT slices; small enough to check against the standard (PS3.5 §7.1, PS3.10 §7.1).
 */
export type Vr =
  'AE' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'PN' | 'SH' | 'TM' | 'UI' | 'US' | 'UL' | 'OB' | 'OW';

export interface DicomElement {
  /** (group << 16) | element. */
  tag: number;
  vr: Vr;
  /** The value, already padded to an even length. */
  value: Uint8Array;
}

export const TRANSFER_SYNTAX = {
  explicit: '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  implicit: '1.2.840.10008.1.2', // Implicit VR Little Endian (the DICOM default)
} as const;
export type TransferSyntax = keyof typeof TRANSFER_SYNTAX;

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
const LONG_VRS: ReadonlySet<Vr> = new Set(['OB', 'OW']);

const ascii = new TextEncoder();

/** A string element; several values are joined with backslashes. UI pads with NUL, other VRs with a space. */
export function str(tag: number, vr: Vr, value: string | readonly string[]): DicomElement {
  const text = typeof value === 'string' ? value : value.join('\\');
  const bytes = ascii.encode(text);
  if (bytes.length % 2 === 0) return { tag, vr, value: bytes };
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  padded[bytes.length] = vr === 'UI' ? 0 : 0x20;
  return { tag, vr, value: padded };
}

/** Decimal String: each value at most 16 characters (PS3.5 Table 6.2-1). */
export function ds(tag: number, values: readonly number[]): DicomElement {
  return str(tag, 'DS', values.map(formatDs));
}

/** Integer String. */
export function is(tag: number, value: number): DicomElement {
  if (!Number.isInteger(value)) throw new RangeError(`IS value must be an integer, got ${value}`);
  return str(tag, 'IS', String(value));
}

export function us(tag: number, value: number): DicomElement {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value, true);
  return { tag, vr: 'US', value: bytes };
}

export function ul(tag: number, value: number): DicomElement {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return { tag, vr: 'UL', value: bytes };
}

export function ob(tag: number, bytes: Uint8Array): DicomElement {
  if (bytes.length % 2 !== 0) throw new RangeError('OB value must have an even length');
  return { tag, vr: 'OB', value: bytes };
}

/** The shortest decimal (at most 16 characters, no exponent) that reads back as `value` or nearest to it. */
export function formatDs(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`DS value must be finite, got ${value}`);
  if (Math.abs(value) < 1e-10) return '0';
  for (let digits = 16; digits >= 1; digits--) {
    const text = String(Number(value.toPrecision(digits)));
    if (text.length <= 16 && !/e/i.test(text)) return text;
  }
  for (let decimals = 14; decimals >= 0; decimals--) {
    const text = value.toFixed(decimals);
    if (text.length <= 16) return text;
  }
  throw new RangeError(`DS value ${value} does not fit 16 characters`);
}

function headerLength(element: DicomElement, explicit: boolean): number {
  return explicit && LONG_VRS.has(element.vr) ? 12 : 8;
}

function writeHeader(
  view: DataView,
  at: number,
  tag: number,
  vr: Vr,
  length: number,
  explicit: boolean,
): number {
  view.setUint16(at, tag >>> 16, true);
  view.setUint16(at + 2, tag & 0xffff, true);
  if (!explicit) {
    view.setUint32(at + 4, length, true);
    return at + 8;
  }
  view.setUint8(at + 4, vr.charCodeAt(0));
  view.setUint8(at + 5, vr.charCodeAt(1));
  if (LONG_VRS.has(vr)) {
    view.setUint16(at + 6, 0, true);
    view.setUint32(at + 8, length, true);
    return at + 12;
  }
  if (length > 0xffff) throw new RangeError(`value of (${tag.toString(16)}) too long for VR ${vr}`);
  view.setUint16(at + 6, length, true);
  return at + 8;
}

function encodedLength(elements: readonly DicomElement[], explicit: boolean): number {
  return elements.reduce((sum, e) => sum + headerLength(e, explicit) + e.value.length, 0);
}

function writeElements(
  out: Uint8Array,
  at: number,
  elements: readonly DicomElement[],
  explicit: boolean,
): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let offset = at;
  for (const e of [...elements].sort((a, b) => a.tag - b.tag)) {
    offset = writeHeader(view, offset, e.tag, e.vr, e.value.length, explicit);
    out.set(e.value, offset);
    offset += e.value.length;
  }
  return offset;
}

/** Pixel data written straight into the file buffer (no intermediate copy of the slice). */
export interface PixelWriter {
  /** Even number of bytes. */
  byteLength: number;
  /** Writes the pixel bytes at out[offset …]; offset is even. */
  write(out: Uint8Array, offset: number): void;
}

const PIXEL_DATA = 0x7fe00010;

/**
 * A Part-10 file: 128-byte preamble, "DICM", the file meta group (always explicit VR little endian, with
 * its group length), then the data set in the chosen transfer syntax and, last, (7FE0,0010) Pixel Data as OW.
 */
export function encodePart10(
  meta: readonly DicomElement[],
  dataset: readonly DicomElement[],
  syntax: TransferSyntax,
  pixels: PixelWriter,
): Uint8Array {
  if (pixels.byteLength % 2 !== 0) throw new RangeError('pixel data must have an even length');
  const explicit = syntax === 'explicit';
  const metaBody = [...meta, str(0x00020010, 'UI', TRANSFER_SYNTAX[syntax])];
  const metaLength = encodedLength(metaBody, true);
  const groupLength = ul(0x00020000, metaLength);
  const pixelHeader = explicit ? 12 : 8;
  const total = 132 + 12 + metaLength + encodedLength(dataset, explicit) + pixelHeader + pixels.byteLength;
  const out = new Uint8Array(total);
  out.set(ascii.encode('DICM'), 128);
  let offset = writeElements(out, 132, [groupLength], true);
  offset = writeElements(out, offset, metaBody, true);
  offset = writeElements(out, offset, dataset, explicit);
  offset = writeHeader(new DataView(out.buffer), offset, PIXEL_DATA, 'OW', pixels.byteLength, explicit);
  pixels.write(out, offset);
  return out;
}
