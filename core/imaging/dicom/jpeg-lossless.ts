import { Decoder } from 'jpeg-lossless-decoder-js';

/** Start Of Frame, lossless sequential Huffman (process 14): the only JPEG process the decoder handles. */
const SOF3 = 0xc3;
/** SOFn markers are C0–CF except C4 (DHT), C8 (reserved) and CC (DAC). */
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * Decodes one JPEG Lossless (process 14, any predictor) frame of a single-sample image into its stored
 * values, one per pixel, row by row. The frame header is checked against the DICOM header first, so that a
 * lying stream cannot make the decoder allocate more than one slice. Throws a plain Error when corrupt.
 */
export function decodeJpegLosslessFrame(
  frame: Uint8Array,
  rows: number,
  columns: number,
): Uint8Array | Uint16Array {
  const header = readFrameHeader(frame);
  if (header.marker !== SOF3) {
    throw new Error(
      `JPEG frame marker 0xFF${header.marker.toString(16).toUpperCase()} is not lossless (SOF3)`,
    );
  }
  if (header.components !== 1) throw new Error(`JPEG stream has ${header.components} components, expected 1`);
  if (header.columns !== columns || header.rows !== rows) {
    throw new Error(`JPEG stream is ${header.columns}×${header.rows}, the header says ${columns}×${rows}`);
  }
  const decoder = new Decoder();
  const values = decoder.decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.byteLength);
  if (values.length < rows * columns) throw new Error(`JPEG stream decoded to ${values.length} samples`);
  return values;
}

/** The first SOFn segment of a JPEG stream: which process, and the image size it declares. */
function readFrameHeader(frame: Uint8Array): {
  marker: number;
  rows: number;
  columns: number;
  components: number;
} {
  if (frame[0] !== 0xff || frame[1] !== 0xd8) throw new Error('not a JPEG stream: no SOI marker');
  let pos = 2;
  while (pos + 4 <= frame.length) {
    if (frame[pos] !== 0xff) throw new Error(`JPEG stream: no marker at byte ${pos}`);
    const marker = frame[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    const length = (frame[pos + 2]! << 8) | frame[pos + 3]!;
    if (isStartOfFrame(marker) && pos + 10 <= frame.length) {
      const rows = (frame[pos + 5]! << 8) | frame[pos + 6]!;
      const columns = (frame[pos + 7]! << 8) | frame[pos + 8]!;
      return { marker, rows, columns, components: frame[pos + 9]! };
    }
    pos += 2 + length;
  }
  throw new Error('JPEG stream has no frame header (SOF)');
}
