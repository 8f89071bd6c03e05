/** An RLE frame starts with a 64-byte header: the segment count, then 15 segment offsets (PS3.5 G.5). */
const RLE_HEADER_BYTES = 64;
const RLE_MAX_SEGMENTS = 15;

/**
 * Decodes one RLE Lossless frame (DICOM PS3.5 Annex G) of a single-sample image into little-endian sample
 * bytes (`pixelCount × bytesPerSample`). Each segment holds one byte plane, most significant first, coded
 * PackBits-style: a header byte n in 0..127 copies the next n+1 bytes, n in -127..-1 repeats the next byte
 * 1-n times, -128 does nothing. Throws a plain Error on a malformed frame.
 */
export function decodeRleFrame(frame: Uint8Array, pixelCount: number, bytesPerSample: 1 | 2): Uint8Array {
  if (frame.length < RLE_HEADER_BYTES) throw new Error(`RLE frame of ${frame.length} bytes has no header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) {
    throw new Error(
      `RLE frame has ${segments} segments, expected ${bytesPerSample} (one per byte of a sample)`,
    );
  }
  const offsets: number[] = [];
  for (let s = 0; s < Math.min(segments, RLE_MAX_SEGMENTS); s++)
    offsets.push(view.getUint32(4 + 4 * s, true));
  const out = new Uint8Array(pixelCount * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = offsets[s] ?? 0;
    const end = offsets[s + 1] ?? frame.length;
    if (start < RLE_HEADER_BYTES || end > frame.length || end < start) {
      throw new Error(
        `RLE segment ${s + 1} has invalid bounds ${start}..${end} in a ${frame.length}-byte frame`,
      );
    }
    // Segment 0 is the most significant byte plane; in a little-endian sample it is the last byte.
    const written = unpackSegment(frame, start, end, out, bytesPerSample - 1 - s, bytesPerSample, pixelCount);
    if (written < pixelCount) {
      throw new Error(`RLE segment ${s + 1} decoded to ${written} bytes, expected ${pixelCount}`);
    }
  }
  return out;
}

/** PackBits-decodes `frame[start, end)` into every `stride`-th byte of `out` from `first`; returns bytes written. */
function unpackSegment(
  frame: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  first: number,
  stride: number,
  count: number,
): number {
  let pos = start;
  let n = 0;
  // Output beyond `count` (an encoder's padding) is dropped, never written.
  while (n < count && pos < end) {
    const header = frame[pos++]!;
    if (header < 128) {
      const literal = Math.min(header + 1, count - n);
      if (pos + header + 1 > end) throw new Error('RLE literal run runs past the end of its segment');
      for (let i = 0; i < literal; i++) out[first + stride * n++] = frame[pos + i]!;
      pos += header + 1;
    } else if (header > 128) {
      if (pos >= end) throw new Error('RLE replicate run runs past the end of its segment');
      const value = frame[pos++]!;
      const run = Math.min(257 - header, count - n);
      for (let i = 0; i < run; i++) out[first + stride * n++] = value;
    }
  }
  return n;
}
