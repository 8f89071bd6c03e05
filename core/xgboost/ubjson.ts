/**
 * A decoder for the subset of Universal Binary JSON (ubjson.org, draft 12) that XGBoost's `save_model(*.ubj)`
 * writes: objects (keys as bare length-prefixed strings), arrays with or without a `#count` and a `$type`,
 * int8/uint8/int16/int32/int64, float32/float64, strings, true/false/null, char and no-op. Numbers are
 * big-endian. A strongly typed numeric array (`[$d#n`, `[$l#n`, ...) decodes to a typed array, so large
 * models do not turn into millions of boxed numbers.
 */

export type UbjValue =
  | null
  | boolean
  | number
  | string
  | UbjValue[]
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | { [key: string]: UbjValue };

export class UbjsonError extends Error {
  override name = 'UbjsonError';
}

const TYPED_ARRAY_BYTES: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8 };

class Reader {
  private pos = 0;
  private readonly view: DataView;
  private readonly text = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new UbjsonError(`unexpected end of data at byte ${this.pos} (need ${n} more)`);
    }
  }

  marker(): string {
    this.need(1);
    return String.fromCharCode(this.bytes[this.pos++]!);
  }

  peek(): string {
    this.need(1);
    return String.fromCharCode(this.bytes[this.pos]!);
  }

  /** A number of the given type marker. */
  number(type: string): number {
    const v = this.view;
    const at = this.pos;
    switch (type) {
      case 'i':
        this.need(1);
        this.pos += 1;
        return v.getInt8(at);
      case 'U':
        this.need(1);
        this.pos += 1;
        return v.getUint8(at);
      case 'I':
        this.need(2);
        this.pos += 2;
        return v.getInt16(at);
      case 'l':
        this.need(4);
        this.pos += 4;
        return v.getInt32(at);
      case 'L': {
        this.need(8);
        this.pos += 8;
        const big = v.getBigInt64(at);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new UbjsonError(`int64 ${big} at byte ${at} is beyond 2^53`);
        }
        return Number(big);
      }
      case 'd':
        this.need(4);
        this.pos += 4;
        return v.getFloat32(at);
      case 'D':
        this.need(8);
        this.pos += 8;
        return v.getFloat64(at);
      default:
        throw new UbjsonError(`expected a number type, found '${type}' at byte ${at - 1}`);
    }
  }

  /** A length or count: an integer-typed number that must be non-negative. */
  length(): number {
    const at = this.pos;
    const type = this.marker();
    if (!'iUIlL'.includes(type)) throw new UbjsonError(`expected an integer length at byte ${at}`);
    const n = this.number(type);
    if (n < 0) throw new UbjsonError(`negative length ${n} at byte ${at}`);
    return n;
  }

  string(n: number): string {
    this.need(n);
    const s = this.text.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  /** `count` big-endian elements of a numeric type, as a host-order typed array. */
  typedArray(type: string, count: number): UbjValue {
    const width = TYPED_ARRAY_BYTES[type];
    if (width === undefined) return this.repeated(type, count);
    this.need(width * count);
    const at = this.pos;
    const v = this.view;
    let out: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | number[];
    if (type === 'd') {
      out = new Float32Array(count);
      for (let k = 0; k < count; k++) out[k] = v.getFloat32(at + 4 * k);
    } else if (type === 'D') {
      out = new Float64Array(count);
      for (let k = 0; k < count; k++) out[k] = v.getFloat64(at + 8 * k);
    } else if (type === 'l') {
      out = new Int32Array(count);
      for (let k = 0; k < count; k++) out[k] = v.getInt32(at + 4 * k);
    } else if (type === 'I') {
      out = new Int16Array(count);
      for (let k = 0; k < count; k++) out[k] = v.getInt16(at + 2 * k);
    } else if (type === 'U') {
      out = this.bytes.slice(at, at + count);
    } else if (type === 'i') {
      out = new Int8Array(this.bytes.slice(at, at + count).buffer);
    } else {
      out = [];
      for (let k = 0; k < count; k++) out.push(this.number('L'));
      return out;
    }
    this.pos = at + width * count;
    return out;
  }

  private repeated(type: string, count: number): UbjValue[] {
    const out: UbjValue[] = [];
    for (let k = 0; k < count; k++) out.push(this.valueOf(type));
    return out;
  }

  value(): UbjValue {
    let type = this.marker();
    while (type === 'N') type = this.marker();
    return this.valueOf(type);
  }

  /** A value whose type marker has already been read. */
  valueOf(type: string): UbjValue {
    switch (type) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'C':
        return this.string(1);
      case 'S':
      case 'H':
        return this.string(this.length());
      case '[':
        return this.array();
      case '{':
        return this.object();
      default:
        return this.number(type);
    }
  }

  /** `$type` and `#count` after an opening bracket or brace. */
  private header(): { type?: string; count?: number } {
    let type: string | undefined;
    if (this.peek() === '$') {
      this.pos++;
      type = this.marker();
      if (this.peek() !== '#') throw new UbjsonError(`'$' without '#' at byte ${this.pos}`);
    }
    if (this.peek() === '#') {
      this.pos++;
      return { type, count: this.length() };
    }
    return {};
  }

  private array(): UbjValue {
    const { type, count } = this.header();
    if (count !== undefined) return type !== undefined ? this.typedArray(type, count) : this.counted(count);
    const out: UbjValue[] = [];
    while (this.peek() !== ']') out.push(this.value());
    this.pos++;
    return out;
  }

  private counted(count: number): UbjValue[] {
    const out: UbjValue[] = [];
    for (let k = 0; k < count; k++) out.push(this.value());
    return out;
  }

  private object(): { [key: string]: UbjValue } {
    const { type, count } = this.header();
    const out: { [key: string]: UbjValue } = {};
    const entry = () => {
      const key = this.string(this.length());
      out[key] = type !== undefined ? this.valueOf(type) : this.value();
    };
    if (count !== undefined) {
      for (let k = 0; k < count; k++) entry();
      return out;
    }
    for (;;) {
      let next = this.peek();
      while (next === 'N') {
        this.pos++;
        next = this.peek();
      }
      if (next === '}') break;
      entry();
    }
    this.pos++;
    return out;
  }
}

/** Decodes one UBJSON document; trailing bytes are an error. */
export function decodeUbjson(bytes: Uint8Array): UbjValue {
  const reader = new Reader(bytes);
  const value = reader.value();
  if (reader.offset !== bytes.length) {
    throw new UbjsonError(`${bytes.length - reader.offset} trailing bytes after the document`);
  }
  return value;
}
