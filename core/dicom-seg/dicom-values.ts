import { createHash } from 'node:crypto';

/**
 * A DS (decimal string) value: at most 16 characters (PS3.5 6.2), so the shortest exact form when it fits
 * and else the most significant digits that do (never more than a 1e-13 relative change for positions).
 */
export function decimalString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`DS value must be finite, got ${value}`);
  const exact = String(value);
  if (exact.length <= 16) return exact;
  for (let digits = 15; digits > 0; digits--) {
    const text = String(Number(value.toPrecision(digits)));
    if (text.length <= 16) return text;
  }
  throw new RangeError(`DS value ${value} does not fit 16 characters`);
}

/** DA (YYYYMMDD) and TM (HHMMSS) of an instant, in UTC. */
export function dicomDateTime(at: Date): { date: string; time: string } {
  const iso = at.toISOString(); // 2026-12-06T21:04:05.123Z
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

/**
 * A UID under the `2.25` root (PS3.5 B.2: a UUID as one decimal integer) made from a name, so the same
 * run always gets the same UIDs (a retried step writes the same object) and different names different ones.
 */
export function uidFromName(name: string): string {
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 32);
  // RFC 4122 version 5-like layout: the UUID bits of the digest, as PS3.5 B.2 expects of a 2.25 UID.
  const uuid = BigInt(`0x${digest}`) & ~(0xf000n << 64n) & ~(0xc000n << 48n);
  const bits = uuid | (0x5000n << 64n) | (0x8000n << 48n);
  return `2.25.${bits.toString()}`;
}
