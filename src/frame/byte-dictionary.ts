import { isUtf8 } from 'node:buffer';

/** Options of {@link ByteDictionary}. */
export interface ByteDictionaryOptions {
  /**
   * Accept only text: a new value that is not valid UTF-8 or holds a NUL byte is not added, and
   * `intern` returns -1 for it, so two different invalid byte strings never decode to one value.
   * Default false (any bytes).
   */
  readonly text?: boolean;
}

/**
 * A dictionary that interns byte strings (UTF-8 slices of a buffer) to dense integer codes in
 * order of first appearance, without creating a JavaScript string per lookup: an open-addressing
 * hash table over an arena of the distinct values. Strings are decoded once per distinct value,
 * when asked for. This is what makes dictionary-encoding a column at read time cheap.
 *
 * @example
 * ```ts
 * const dict = new ByteDictionary();
 * const buf = Buffer.from('111\t201\t111');
 * dict.intern(buf, 0, 3);  // 0
 * dict.intern(buf, 4, 7);  // 1
 * dict.intern(buf, 8, 11); // 0
 * dict.values();           // ['111', '201']
 * ```
 */
export class ByteDictionary {
  #table = new Int32Array(1024).fill(-1);
  #mask = 1023;
  #hashes: Int32Array = new Int32Array(256);
  #starts: Int32Array = new Int32Array(256);
  #lengths: Int32Array = new Int32Array(256);
  #arena = new Uint8Array(4096);
  #arenaUsed = 0;
  /**
   * Direct-mapped cache of values of up to 3 bytes: the bytes with the length in the top byte (-1 marks an empty slot),
   * and the code.
   */
  #shortKeys: Int32Array = new Int32Array(256).fill(-1);
  #shortCodes: Int32Array = new Int32Array(256);
  #strings: (string | undefined)[] = [];
  #size = 0;
  readonly #text: boolean;

  constructor(options: ByteDictionaryOptions = {}) {
    this.#text = options.text === true;
  }

  /** Number of distinct values. */
  get size(): number {
    return this.#size;
  }

  /** The code of `bytes[start..end)`, adding it when new; -1 when new and not text in a `text` dictionary. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (length <= 3) {
      // Short values (action codes, labels) packed with their length into one integer: a direct-mapped
      // cache answers most lookups with one comparison, no hashing or byte compare.
      let key = 0;
      for (let i = start; i < end; i++) key = (key << 8) | bytes[i]!;
      key |= length << 24;
      const slot = Math.imul(key, 0x9e3779b1) >>> 24;
      if (this.#shortKeys[slot] === key) return this.#shortCodes[slot]!;
      const code = this.#lookup(bytes, start, end);
      if (code < 0) return code;
      this.#shortKeys[slot] = key;
      this.#shortCodes[slot] = code;
      return code;
    }
    return this.#lookup(bytes, start, end);
  }

  #lookup(bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end);
    const found = this.#probe(bytes, start, end, h);
    return found >= 0 ? found : this.#add(bytes, start, end, h, ~found);
  }

  /** The code of `bytes[start..end)` with hash `h`, or `~slot` of the empty slot where it would go. */
  #probe(bytes: Uint8Array, start: number, end: number, h: number): number {
    const length = end - start;
    const table = this.#table;
    const mask = this.#mask;
    let slot = h & mask;
    for (;;) {
      const code = table[slot]!;
      if (code < 0) return ~slot;
      if (this.#hashes[code] === h && this.#lengths[code] === length && this.matches(code, bytes, start, end))
        return code;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * True when `bytes[start..end)` is the value of `code`: a check without hashing, for callers
   * that can guess the code (say, the value the same session had on its previous event).
   */
  matches(code: number, bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.#lengths[code] !== length) return false;
    const arena = this.#arena;
    const at = this.#starts[code]!;
    for (let i = 0; i < length; i++) if (arena[at + i] !== bytes[start + i]) return false;
    return true;
  }

  /**
   * True when the value of `code` is found at `bytes[start..]` and is followed there by the byte
   * `stop` (before `limit`), with neither `stop` nor a line feed inside the value: a field of
   * delimited text predicted and checked in one pass, without scanning it first.
   */
  matchesField(code: number, bytes: Uint8Array, start: number, limit: number, stop: number): boolean {
    const length = this.#lengths[code]!;
    const end = start + length;
    if (end >= limit || bytes[end] !== stop) return false;
    const arena = this.#arena;
    const at = this.#starts[code]! - start;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (arena[at + i] !== c || c === stop || c === 0x0a) return false;
    }
    return true;
  }

  /** {@link ByteDictionary.intern} with the value's hash already computed ({@link hashBytes}). */
  internHashed(bytes: Uint8Array, start: number, end: number, h: number): number {
    const found = this.#probe(bytes, start, end, h);
    return found >= 0 ? found : this.#add(bytes, start, end, h, ~found);
  }

  /** The length in bytes of the value of `code`. */
  lengthOf(code: number): number {
    return this.#lengths[code]!;
  }

  /** The code of a string, adding it when new. */
  internString(value: string): number {
    const bytes = Buffer.from(value, 'utf8');
    return this.intern(bytes, 0, bytes.length);
  }

  /** The value of `code` as a string. */
  get(code: number): string {
    let value = this.#strings[code];
    if (value === undefined) {
      const at = this.#starts[code]!;
      value = Buffer.from(this.#arena.buffer, this.#arena.byteOffset + at, this.#lengths[code]!).toString('utf8');
      this.#strings[code] = value;
    }
    return value;
  }

  /** All values in code order. */
  values(): string[] {
    const out = new Array<string>(this.#size);
    const arena = this.#arena;
    const used = this.#arenaUsed;
    let ascii = true;
    for (let i = 0; i < used; i++) {
      if (arena[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // One decoding of the whole arena; each value is then a slice of it (bytes are characters).
      const all = Buffer.from(arena.buffer, arena.byteOffset, used).toString('latin1');
      for (let code = 0; code < this.#size; code++) {
        const at = this.#starts[code]!;
        out[code] = this.#strings[code] ?? all.slice(at, at + this.#lengths[code]!);
      }
      return out;
    }
    for (let code = 0; code < this.#size; code++) out[code] = this.get(code);
    return out;
  }

  #add(bytes: Uint8Array, start: number, end: number, h: number, slot: number): number {
    if (this.#text && !isText(bytes, start, end)) return -1;
    const code = this.#size;
    const length = end - start;
    if (code === this.#hashes.length) {
      this.#hashes = grown(this.#hashes, code * 2);
      this.#starts = grown(this.#starts, code * 2);
      this.#lengths = grown(this.#lengths, code * 2);
    }
    if (this.#arenaUsed + length > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + length));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
    }
    const arena = this.#arena;
    const at = this.#arenaUsed;
    for (let i = 0; i < length; i++) arena[at + i] = bytes[start + i]!;
    this.#hashes[code] = h;
    this.#starts[code] = this.#arenaUsed;
    this.#lengths[code] = length;
    this.#arenaUsed += length;
    this.#table[slot] = code;
    this.#size = code + 1;
    // Keep the load factor under one half so probes stay short.
    if (this.#size * 2 > this.#table.length) this.#rehash();
    return code;
  }

  /**
   * Removes the values added after the dictionary had `size` values (newest first), as if they had
   * never been added: for a reader that interned some fields of a row and then rejects the row.
   */
  rollback(size: number): void {
    if (size >= this.#size) return;
    for (let code = this.#size - 1; code >= size; code--) {
      // The newest entry of an open-addressing table can be removed alone: nothing was placed after it.
      let slot = this.#hashes[code]! & this.#mask;
      while (this.#table[slot] !== code) slot = (slot + 1) & this.#mask;
      this.#table[slot] = -1;
      this.#arenaUsed = this.#starts[code]!;
    }
    for (let i = 0; i < this.#shortCodes.length; i++) if (this.#shortCodes[i]! >= size) this.#shortKeys[i] = -1;
    if (this.#strings.length > size) this.#strings.length = size;
    this.#size = size;
  }

  #rehash(): void {
    const table = new Int32Array(this.#table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let code = 0; code < this.#size; code++) {
      let slot = this.#hashes[code]! & mask;
      while (table[slot]! >= 0) slot = (slot + 1) & mask;
      table[slot] = code;
    }
    this.#table = table;
    this.#mask = mask;
  }
}

function grown(array: Int32Array, length: number): Int32Array {
  const out = new Int32Array(length);
  out.set(array);
  return out;
}

/**
 * The dictionary's hash of `bytes[start..end)`: a cheap multiplicative hash (`h = h * 31 + byte`
 * from 0), finished by {@link finishHash}. A scanner that reads a field byte by byte anyway can
 * compute the same value on the way (`h = ((h << 5) - h + byte) | 0`) and look it up with
 * {@link ByteDictionary.internHashed}, without a second pass over the bytes.
 */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = ((h << 5) - h + bytes[i]!) | 0;
  return finishHash(h, end - start);
}

/** Mixes the running hash of a value and its length, so short keys spread over the table. */
export function finishHash(h: number, length: number): number {
  h = Math.imul(h ^ length ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** True when `bytes[start..end)` is valid UTF-8 without a NUL byte. */
export function isText(bytes: Uint8Array, start: number, end: number): boolean {
  let high = false;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0) return false;
    if (c >= 0x80) high = true;
  }
  return !high || isUtf8(bytes.subarray(start, end));
}
