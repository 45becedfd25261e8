import type { BoosterModel } from './model-types.js';
import { ByteCursor } from './byte-cursor.js';
import { modelFromDocument, modelToDocument, type ReadModelOptions } from './model-json.js';

const MAX_DEPTH = 64;

/** A decoded UBJSON value: JSON values, with optimised numeric arrays as typed arrays. */
export type UBJValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | UBJValue[]
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | { [key: string]: UBJValue };

class Decoder extends ByteCursor {
  readonly text = new TextDecoder('utf-8', { fatal: true });

  constructor(bytes: Uint8Array, file: string | undefined) {
    super(bytes, 'ubjson', file);
  }

  marker(): number {
    let m: number;
    do m = this.bytes[this.need(1, 'a type marker')]!;
    while (m === 0x4e); // 'N' no-op
    return m;
  }

  integer(marker: number, what: string): number {
    const v = this.view;
    switch (String.fromCharCode(marker)) {
      case 'i':
        return v.getInt8(this.need(1, what));
      case 'U':
        return v.getUint8(this.need(1, what));
      case 'I':
        return v.getInt16(this.need(2, what));
      case 'l':
        return v.getInt32(this.need(4, what));
      case 'L': {
        const at = this.need(8, what);
        const big = v.getBigInt64(at);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER))
          this.fail(at, `${what} ${big} is beyond 2^53`);
        return Number(big);
      }
      default:
        return this.fail(
          this.offset - 1,
          `${what} has marker ${describeMarker(marker)} (expected an integer marker i, U, I, l or L)`,
        );
    }
  }

  length(what: string): number {
    const at = this.offset;
    const n = this.integer(this.marker(), what);
    if (n < 0) this.fail(at, `${what} is ${n} (expected a non-negative length)`);
    if (n > this.bytes.length - this.offset)
      this.fail(at, `${what} is ${n} but only ${this.bytes.length - this.offset} bytes remain`);
    return n;
  }

  string(what: string): string {
    const n = this.length(`${what} length`);
    const at = this.need(n, what);
    try {
      return this.text.decode(this.bytes.subarray(at, at + n));
    } catch (cause) {
      return this.fail(at, `${what} is not valid UTF-8`, cause);
    }
  }

  value(marker: number, depth: number): UBJValue {
    const at = this.offset - 1;
    switch (String.fromCharCode(marker)) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'i':
      case 'U':
      case 'I':
      case 'l':
      case 'L':
        return this.integer(marker, 'an integer');
      case 'd':
        return this.view.getFloat32(this.need(4, 'a float32'));
      case 'D':
        return this.view.getFloat64(this.need(8, 'a float64'));
      case 'C':
        return String.fromCharCode(this.bytes[this.need(1, 'a char')]!);
      case 'S':
        return this.string('a string');
      case 'H':
        return Number(this.string('a high-precision number'));
      case '[':
        return this.array(depth + 1);
      case '{':
        return this.object(depth + 1);
      default:
        return this.fail(at, `unknown type marker ${describeMarker(marker)}`);
    }
  }

  /** Reads the optional `$type` and `#count` that follow `[` or `{`. */
  container(kind: string): { type: number | undefined; count: number | undefined } {
    let type: number | undefined;
    let count: number | undefined;
    if (this.bytes[this.offset] === 0x24) {
      this.offset++;
      type = this.bytes[this.need(1, `the ${kind} element type`)]!;
      if (this.bytes[this.offset] !== 0x23)
        this.fail(this.offset, `a typed ${kind} without a count (expected '#' after '$')`);
    }
    if (this.bytes[this.offset] === 0x23) {
      this.offset++;
      const at = this.offset;
      count = this.integer(this.marker(), `the ${kind} count`);
      if (count < 0) this.fail(at, `the ${kind} count is ${count} (expected a non-negative count)`);
    }
    return { type, count };
  }

  array(depth: number): UBJValue {
    if (depth > MAX_DEPTH) this.fail(this.offset, `containers nested deeper than ${MAX_DEPTH}`);
    const start = this.offset - 1;
    const { type, count } = this.container('array');
    if (type !== undefined && count !== undefined) return this.typedArray(type, count, depth, start);
    const out: UBJValue[] = [];
    if (count !== undefined) {
      if (count > this.bytes.length - this.offset)
        this.fail(start, `array count ${count} exceeds the ${this.bytes.length - this.offset} bytes left`);
      for (let i = 0; i < count; i++) out.push(this.value(this.marker(), depth));
      return out;
    }
    for (;;) {
      const m = this.marker();
      if (m === 0x5d) return out;
      out.push(this.value(m, depth));
    }
  }

  typedArray(type: number, count: number, depth: number, start: number): UBJValue {
    const sizes: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8 };
    const size = sizes[String.fromCharCode(type)];
    const left = this.bytes.length - this.offset;
    if (size === undefined) {
      // Typed arrays of strings or containers: at least one byte each.
      if (count > left) this.fail(start, `array count ${count} exceeds the ${left} bytes left`);
      const out: UBJValue[] = [];
      for (let i = 0; i < count; i++) out.push(this.value(type, depth));
      return out;
    }
    if (count * size > left)
      this.fail(start, `array of ${count} × ${size}-byte values needs ${count * size} bytes but only ${left} remain`);
    const at = this.need(count * size, 'array values');
    const v = this.view;
    switch (String.fromCharCode(type)) {
      case 'i':
        return Int8Array.from({ length: count }, (_, i) => v.getInt8(at + i));
      case 'U':
        return this.bytes.slice(at, at + count);
      case 'I':
        return Int16Array.from({ length: count }, (_, i) => v.getInt16(at + 2 * i));
      case 'l':
        return Int32Array.from({ length: count }, (_, i) => v.getInt32(at + 4 * i));
      case 'L':
        return BigInt64Array.from({ length: count }, (_, i) => v.getBigInt64(at + 8 * i));
      case 'd':
        return Float32Array.from({ length: count }, (_, i) => v.getFloat32(at + 4 * i));
      default:
        return Float64Array.from({ length: count }, (_, i) => v.getFloat64(at + 8 * i));
    }
  }

  object(depth: number): UBJValue {
    if (depth > MAX_DEPTH) this.fail(this.offset, `containers nested deeper than ${MAX_DEPTH}`);
    const start = this.offset - 1;
    const { type, count } = this.container('object');
    const out: { [key: string]: UBJValue } = Object.create(null) as { [key: string]: UBJValue };
    const entry = (): void => {
      const key = this.string('an object key');
      out[key] = this.value(type ?? this.marker(), depth);
    };
    if (count !== undefined) {
      if (count > this.bytes.length - this.offset)
        this.fail(start, `object count ${count} exceeds the ${this.bytes.length - this.offset} bytes left`);
      for (let i = 0; i < count; i++) entry();
      return out;
    }
    for (;;) {
      if (this.bytes[this.offset] === 0x7d) {
        this.offset++;
        return out;
      }
      if (this.bytes[this.offset] === 0x4e) {
        this.offset++;
        continue;
      }
      entry();
    }
  }
}

function describeMarker(m: number): string {
  return m >= 0x20 && m < 0x7f ? `'${String.fromCharCode(m)}'` : `0x${m.toString(16).padStart(2, '0')}`;
}

/**
 * Decodes Universal Binary JSON as XGBoost writes it (big-endian; typed arrays with `$`/`#`;
 * markers `i U I l L d D C S H T F Z N`, `[ ]`, `{ }`), checking every count against the bytes left
 * before allocating and nesting at most 64 deep.
 *
 * @example
 * ```ts
 * decodeUBJSON(new Uint8Array([0x7b, 0x7d])); // {}
 * ```
 */
export function decodeUBJSON(bytes: Uint8Array, options: ReadModelOptions = {}): UBJValue {
  const d = new Decoder(bytes, options.file);
  const value = d.value(d.marker(), 0);
  if (d.offset !== bytes.length)
    d.fail(d.offset, `${bytes.length - d.offset} bytes follow the end of the document (expected none)`);
  return value;
}

/**
 * Reads an XGBoost UBJSON model (`save_model('model.ubj')`, the default of XGBoost ≥ 2.1 and of
 * newer SageMaker containers). Same schema and checks as {@link readModelJSON}.
 *
 * @example
 * ```ts
 * const model = readModelUBJSON(new Uint8Array(await readFile('model.ubj')));
 * ```
 */
export function readModelUBJSON(bytes: Uint8Array, options: ReadModelOptions = {}): BoosterModel {
  return modelFromDocument(decodeUBJSON(bytes, options), 'ubjson', options);
}

/**
 * Writes a model as XGBoost 1.7.4 writes UBJSON: the JSON schema of {@link writeModelJSON}, node
 * arrays as big-endian typed arrays (`[$d#L…` float32, `[$l#L…` int32, `[$U#L…` uint8, `[$L#L…`
 * int64), other integers with the narrowest marker, dmlc parameters as strings. For a model read from an XGBoost
 * 1.7.4 `.ubj` file the output is byte-identical to it.
 *
 * @example
 * ```ts
 * await writeFile('model.ubj', writeModelUBJSON(booster.model));
 * ```
 */
export function writeModelUBJSON(model: BoosterModel): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const push = (b: Uint8Array): void => {
    chunks.push(b);
    size += b.length;
  };
  const enc = new TextEncoder();
  const byte = (c: string): void => push(enc.encode(c));
  const int64 = (n: number): void => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(n));
    push(b);
  };
  const str = (s: string): void => {
    const b = enc.encode(s);
    byte('L');
    int64(b.length);
    push(b);
  };
  const typed = (
    marker: string,
    width: number,
    a: ArrayLike<number>,
    put: (v: DataView, at: number, x: number) => void,
  ): void => {
    byte(`[$${marker}#L`);
    int64(a.length);
    const b = new Uint8Array(a.length * width);
    const v = new DataView(b.buffer);
    for (let i = 0; i < a.length; i++) put(v, i * width, a[i]!);
    push(b);
  };
  const write = (value: unknown): void => {
    if (value instanceof Float32Array) typed('d', 4, value, (v, at, x) => v.setFloat32(at, x));
    else if (value instanceof Int32Array || value instanceof Uint32Array)
      typed('l', 4, value, (v, at, x) => v.setInt32(at, x));
    else if (value instanceof Uint8Array) typed('U', 1, value, (v, at, x) => v.setUint8(at, x));
    else if (value instanceof BigInt64Array)
      typed('L', 8, Array.from(value, Number), (v, at, x) => v.setBigInt64(at, BigInt(x)));
    else if (typeof value === 'string') {
      byte('S');
      str(value);
    } else if (typeof value === 'number') {
      if (Number.isInteger(value)) {
        // The narrowest marker, as XGBoost's writer picks it (bounds exclusive, as in its code).
        const b = new Uint8Array(9);
        const v = new DataView(b.buffer);
        if (value > -128 && value < 127) {
          b[0] = 0x69; // i
          v.setInt8(1, value);
          push(b.subarray(0, 2));
        } else if (value > -32768 && value < 32767) {
          b[0] = 0x49; // I
          v.setInt16(1, value);
          push(b.subarray(0, 3));
        } else if (value > -2147483648 && value < 2147483647) {
          b[0] = 0x6c; // l
          v.setInt32(1, value);
          push(b.subarray(0, 5));
        } else {
          b[0] = 0x4c; // L
          v.setBigInt64(1, BigInt(value));
          push(b);
        }
      } else {
        const b = new Uint8Array(5);
        b[0] = 0x64;
        new DataView(b.buffer).setFloat32(1, value);
        push(b);
      }
    } else if (typeof value === 'boolean') byte(value ? 'T' : 'F');
    else if (value === null) byte('Z');
    else if (Array.isArray(value)) {
      byte('[#L'); // XGBoost counts plain arrays instead of closing them
      int64(value.length);
      value.forEach(write);
    } else {
      byte('{');
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj).sort()) {
        str(key);
        write(obj[key]);
      }
      byte('}');
    }
  };
  write(modelToDocument(model));
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
