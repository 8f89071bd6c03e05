/** The package's own `types` entry points at a file it does not ship; this is the part of its API used here. */
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    constructor(buffer?: ArrayBuffer | null, numBytes?: number);
    frame: { dimX: number; dimY: number; numComp: number; precision: number };
    decode(
      buffer?: ArrayBuffer,
      offset?: number,
      length?: number,
      numBytes?: number,
    ): Uint8Array | Uint16Array;
  }
}
