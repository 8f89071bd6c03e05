import { createRng } from './rng';

/**
 * Deterministic DICOM UIDs under the 2.25 root (ITU-T X.667: "2.25." followed by a UUID as one decimal
 * integer). The 128 bits come from the seeded generator and are shaped as a version-4 UUID, so the UIDs
 * are as unique as random ones across seeds yet identical for the same seed and purpose.
 */
export interface SeededUid {
  uid: string;
  /** The UUID's 32 hex digits: a file name that says nothing about the slice order. */
  hex: string;
}

export function seededUid(seed: number, purpose: string): SeededUid {
  const rng = createRng(seed, `uid:${purpose}`);
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let n = 0; n < 4; n++) view.setUint32(n * 4, rng.u32());
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return { uid: `2.25.${BigInt(`0x${hex}`).toString(10)}`, hex };
}
