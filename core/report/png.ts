import { encode } from 'fast-png';

export type Rgb = [number, number, number];

/** An 8-bit palette image: one byte per pixel, row by row from the top left. */
export interface IndexedImage {
  width: number;
  height: number;
  pixels: Uint8Array;
  palette: Rgb[];
}

/**
 * Palette PNGs take one byte per pixel where RGB takes three: a CT slice with a coloured mask needs fewer
 * than 256 colours, and the report must stay small. zlib level 9: the images are small, size matters more.
 */
export function encodeIndexedPng(image: IndexedImage): Uint8Array {
  return encode(
    {
      width: image.width,
      height: image.height,
      data: image.pixels,
      channels: 1,
      depth: 8,
      palette: image.palette,
    },
    { zlib: { level: 9 } },
  );
}

export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`;
}
