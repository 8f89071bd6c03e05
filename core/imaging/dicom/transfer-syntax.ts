import { reject } from '../../input/issues';

/** How the pixel data of a supported transfer syntax is stored. */
export type PixelEncoding = 'native' | 'rle' | 'jpeg-lossless';

export interface TransferSyntax {
  uid: string;
  name: string;
}

interface KnownSyntax {
  name: string;
  /** Absent: recognised but not supported. */
  encoding?: PixelEncoding;
}

/**
 * Transfer syntaxes by UID (PS3.6 Annex A). Supported: the two little-endian uncompressed ones, RLE Lossless
 * and JPEG Lossless process 14 (any predictor, and the common first-order one). Everything else, lossy
 * JPEG above all, is rejected: a lossy-compressed CT is not what the models were trained on.
 */
const SYNTAXES: Record<string, KnownSyntax> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', encoding: 'native' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', encoding: 'rle' },
  '1.2.840.10008.1.2.4.57': {
    name: 'JPEG Lossless, Non-Hierarchical (Process 14)',
    encoding: 'jpeg-lossless',
  },
  '1.2.840.10008.1.2.4.70': {
    name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)',
    encoding: 'jpeg-lossless',
  },
  '1.2.840.10008.1.2.1.99': { name: 'Deflated Explicit VR Little Endian' },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian (retired)' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000' },
  '1.2.840.10008.1.2.4.92': { name: 'JPEG 2000 Part 2 Multi-component Lossless' },
  '1.2.840.10008.1.2.4.93': { name: 'JPEG 2000 Part 2 Multi-component' },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2 Main Profile / Main Level' },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264 High Profile / Level 4.1' },
  '1.2.840.10008.1.2.4.201': { name: 'High-Throughput JPEG 2000 Lossless' },
  '1.2.840.10008.1.2.4.202': { name: 'High-Throughput JPEG 2000 with RPCL Lossless' },
  '1.2.840.10008.1.2.4.203': { name: 'High-Throughput JPEG 2000' },
};

export function transferSyntaxName(uid: string): string {
  return SYNTAXES[uid]?.name ?? 'unknown transfer syntax';
}

/** The encoding of a supported transfer syntax; throws DICOM_UNSUPPORTED_TRANSFER_SYNTAX for any other. */
export function pixelEncodingOf(uid: string, file: string): PixelEncoding {
  const known = SYNTAXES[uid];
  if (known?.encoding) return known.encoding;
  const supported = Object.entries(SYNTAXES)
    .filter(([, s]) => s.encoding)
    .map(([u]) => u)
    .join(', ');
  throw reject(
    'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
    file,
    `transfer syntax ${uid} (${known?.name ?? 'unknown transfer syntax'}) is not supported; ` +
      `re-export the series uncompressed or with one of: ${supported}`,
    'TransferSyntaxUID',
  );
}
