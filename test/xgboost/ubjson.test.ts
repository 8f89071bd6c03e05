import { describe, expect, it } from 'vitest';
import { decodeUbjson, UbjsonError } from '../../core/xgboost';
import { fixtureBytes, MODELS } from './fixtures';

/** Builds a UBJSON document from markers (one-character strings) and raw bytes. */
function doc(...parts: (string | number[])[]): Uint8Array {
  const bytes: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const c of p) bytes.push(c.charCodeAt(0));
    else bytes.push(...p);
  }
  return new Uint8Array(bytes);
}

describe('UBJSON decoder', () => {
  it('decodes scalars of every type XGBoost writes, big-endian', () => {
    expect(decodeUbjson(doc('i', [0xfe]))).toBe(-2);
    expect(decodeUbjson(doc('U', [0xfe]))).toBe(254);
    expect(decodeUbjson(doc('I', [0x80, 0x00]))).toBe(-32768);
    expect(decodeUbjson(doc('l', [0x00, 0x01, 0x00, 0x00]))).toBe(65536);
    expect(decodeUbjson(doc('L', [0, 0, 0, 1, 0, 0, 0, 0]))).toBe(2 ** 32);
    expect(decodeUbjson(doc('d', [0x3f, 0xc0, 0, 0]))).toBe(1.5);
    expect(decodeUbjson(doc('D', [0xbf, 0xf0, 0, 0, 0, 0, 0, 0]))).toBe(-1);
    expect(decodeUbjson(doc('S', 'i', [3], 'abc'))).toBe('abc');
    expect(decodeUbjson(doc('S', 'i', [2], [0xc3, 0xa9]))).toBe('é');
    expect(decodeUbjson(doc('T'))).toBe(true);
    expect(decodeUbjson(doc('F'))).toBe(false);
    expect(decodeUbjson(doc('Z'))).toBe(null);
    expect(decodeUbjson(doc('N', 'C', 'x'))).toBe('x');
  });

  it('decodes typed counted arrays to typed arrays', () => {
    const f = decodeUbjson(doc('[$d#i', [2], [0x3f, 0x80, 0, 0], [0xc0, 0, 0, 0]));
    expect(f).toBeInstanceOf(Float32Array);
    expect(Array.from(f as Float32Array)).toEqual([1, -2]);
    const l = decodeUbjson(doc('[$l#U', [2], [0xff, 0xff, 0xff, 0xff], [0, 0, 0, 7]));
    expect(l).toBeInstanceOf(Int32Array);
    expect(Array.from(l as Int32Array)).toEqual([-1, 7]);
    expect(Array.from(decodeUbjson(doc('[$U#i', [3], [0, 1, 255])) as Uint8Array)).toEqual([0, 1, 255]);
    expect(Array.from(decodeUbjson(doc('[$i#i', [2], [0xff, 1])) as Int8Array)).toEqual([-1, 1]);
    expect(Array.from(decodeUbjson(doc('[$I#i', [1], [0x01, 0x00])) as Int16Array)).toEqual([256]);
    expect(Array.from(decodeUbjson(doc('[$D#i', [1], [0x40, 0, 0, 0, 0, 0, 0, 0])) as Float64Array)).toEqual([
      2,
    ]);
    expect(decodeUbjson(doc('[$L#i', [1], [0, 0, 0, 0, 0, 0, 0, 9]))).toEqual([9]);
    expect(decodeUbjson(doc('[$S#i', [2], 'i', [1], 'a', 'i', [1], 'b'))).toEqual(['a', 'b']);
  });

  it('decodes counted and open arrays and objects, nested', () => {
    expect(decodeUbjson(doc('[#i', [2], 'i', [1], 'S', 'i', [1], 'z'))).toEqual([1, 'z']);
    expect(decodeUbjson(doc('[', 'i', [1], 'N', 'T', ']'))).toEqual([1, true]);
    expect(
      decodeUbjson(doc('{', 'i', [1], 'a', '[', ']', 'L', [0, 0, 0, 0, 0, 0, 0, 1], 'b', '{', '}', '}')),
    ).toEqual({ a: [], b: {} });
    expect(decodeUbjson(doc('{#i', [1], 'i', [1], 'k', 'Z'))).toEqual({ k: null });
    expect(decodeUbjson(doc('{$i#i', [2], 'i', [1], 'x', [5], 'i', [1], 'y', [6]))).toEqual({ x: 5, y: 6 });
  });

  it('rejects truncated, malformed and oversized input with a clear error', () => {
    expect(() => decodeUbjson(doc('[$d#i', [2], [0, 0, 0, 0]))).toThrow(/unexpected end of data/);
    expect(() => decodeUbjson(doc('i', [1], 'i', [2]))).toThrow(/trailing bytes/);
    expect(() => decodeUbjson(doc('S', 'd', [0, 0, 0, 0]))).toThrow(/integer length/);
    expect(() => decodeUbjson(doc('S', 'i', [0xff]))).toThrow(/negative length/);
    expect(() => decodeUbjson(doc('L', [0x7f, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/beyond 2\^53/);
    expect(() => decodeUbjson(doc('?'))).toThrow(UbjsonError);
    expect(() => decodeUbjson(doc('[$d', 'i', [1]))).toThrow(/'\$' without '#'/);
  });

  it.each(MODELS)('decodes %s.ubj to the same document as its .json', (name) => {
    const fromUbj = decodeUbjson(fixtureBytes(`${name}.ubj`));
    const fromJson = JSON.parse(new TextDecoder().decode(fixtureBytes(`${name}.json`))) as unknown;
    // Typed arrays become plain arrays; numbers are compared as float32, -0 as 0 (JSON writes -0 as 0).
    const plain = (v: unknown): unknown =>
      ArrayBuffer.isView(v)
        ? Array.from(v as unknown as ArrayLike<number>, plain)
        : Array.isArray(v)
          ? v.map(plain)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
            : typeof v === 'number'
              ? Math.fround(v) + 0 // -0 in one, 0 in the other
              : v;
    expect(plain(fromUbj)).toEqual(plain(fromJson));
  });
});
