import { READER_SPARES } from './spare-buffers.js';

/** Index, in float64 units from a record's start, of the sort key of the session's last event. */
export const F_LAST_KEY = 0;
/** Index, in float64 units, of the time of the session's last event. */
export const F_LAST_TIME = 1;
/** Index, in int32 units from a record's start, of the action code of the session's last event. */
export const I_LAST_ACTION = 4;
/** Index, in int32 units, of the session's label (0 or 1). */
export const I_LABEL = 5;
/** Index, in int32 units: 1 when the session's events arrived out of order by the sort key. */
export const I_UNSORTED = 6;
/** Index, in int32 units: the tag of the source whose row the span was taken from (0: no span). */
export const I_SPAN_TAG = 7;
/** Index, in int32 units: the length in bytes of the span. */
export const I_SPAN_LENGTH = 8;
/** Index, in int32 units: the length in bytes of the session id held in the record (-1: not held). */
export const I_ID_LENGTH = 9;
/** Index, in int32 units: the session's events so far. */
export const I_EVENTS = 10;
/** Index, in int32 units, of the session id's words (see {@link storeWords}). */
export const I_ID = 11;
/** Longest session id a record holds, in bytes. */
export const ID_BYTES = 24;
/** Index, in int32 units, of the first of the kept values' codes on the session's last event (-1: empty). */
export const I_KEEP = I_ID + wordsOf(ID_BYTES);
/** Longest span of kept fields a record holds, in bytes. */
export const SPAN_BYTES = 48;

/** Int32 words {@link storeWords} takes for `length` bytes. */
export function wordsOf(length: number): number {
  return length < 4 ? 1 : ((length - 1) >> 2) + 1;
}

/**
 * Stores `length` bytes of `view` from `start` as int32 words at `i32[at..]`, to compare with
 * {@link equalWords}: the little-endian words at `start`, `start + 4`, … that lie wholly before
 * the last 4 bytes, then the last 4 bytes as one word (overlapping the one before); under 4
 * bytes, the bytes packed into one word. The bytes `start..start+length` must lie in the view.
 *
 * @example
 * ```ts
 * const bytes = Buffer.from('102764\t2026687');
 * const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
 * const words = new Int32Array(wordsOf(bytes.length));
 * storeWords(view, 0, bytes.length, words, 0);
 * equalWords(view, 0, bytes.length, words, 0); // true
 * ```
 */
export function storeWords(view: DataView, start: number, length: number, i32: Int32Array, at: number): void {
  if (length < 4) {
    let packed = 0;
    for (let i = 0; i < length; i++) packed |= view.getUint8(start + i) << (8 * i);
    i32[at] = packed;
    return;
  }
  const full = (length - 1) >> 2;
  for (let j = 0; j < full; j++) i32[at + j] = view.getInt32(start + 4 * j, true);
  i32[at + full] = view.getInt32(start + length - 4, true);
}

/**
 * True when `length` bytes of `view` from `start` are the bytes {@link storeWords} stored at
 * `i32[at..]` (for the same length): four bytes per comparison.
 */
export function equalWords(view: DataView, start: number, length: number, i32: Int32Array, at: number): boolean {
  if (length < 4) {
    let packed = 0;
    for (let i = 0; i < length; i++) packed |= view.getUint8(start + i) << (8 * i);
    return i32[at] === packed;
  }
  const full = (length - 1) >> 2;
  for (let j = 0; j < full; j++) if (view.getInt32(start + 4 * j, true) !== i32[at + j]) return false;
  return view.getInt32(start + length - 4, true) === i32[at + full];
}

/**
 * The event reader's running state of every session, one fixed-size record per session in one
 * buffer: the sort key, time and action of its last event, its label, its events so far, whether
 * they arrived out of order, the codes of its last event's kept values, and those values' bytes as they
 * appeared in the row (the "span", delimiters included) to compare the next row with in one pass,
 * four bytes at a time. The record also holds the session id, so a lookup by hash is confirmed
 * there. A row reads and writes its session's record only (two cache lines, where one array per
 * field cost one line per field).
 *
 * Records are addressed by session code: int32 fields at `i32[s * stride + I_…]`, float64
 * fields at `f64[((s * stride) >> 1) + F_…]`, the id's words at `i32[s * stride + I_ID ..]`, the
 * span's words at `i32[s * stride + spanAt ..]` (see {@link storeWords}).
 * The views are replaced when the buffer grows: read them again after {@link SessionRecords.ensure}.
 *
 * @example
 * ```ts
 * const records = new SessionRecords(3); // three kept columns
 * records.ensure(1);
 * records.i32[0 * records.stride + I_LABEL] = 1;
 * ```
 */
export class SessionRecords {
  /** Int32 units per record: a multiple of 16 (64 bytes, a cache line). */
  readonly stride: number;
  /** Int32 index, from a record's start, of its span's first word. */
  readonly spanAt: number;
  /** Sessions the buffer holds. */
  capacity = 0;
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);

  constructor(keepCount: number) {
    this.spanAt = I_KEEP + keepCount;
    this.stride = Math.ceil((this.spanAt + wordsOf(SPAN_BYTES)) / 16) * 16;
  }

  /** Open addressing over pairs `[hash, code]` (code -1: an empty slot), kept under half full. */
  #table = new Int32Array(2048).fill(-1);
  #mask = 1023;
  #indexed = 0;

  /**
   * The code of the session indexed under the id of `length` bytes at `start` in `view`, with
   * hash `h` (the session dictionary's `hashBytes`), or -1 when none is: the id is confirmed
   * against the words in the record, so a hit reads the table and the record only.
   */
  find(view: DataView, start: number, length: number, h: number): number {
    const table = this.#table;
    const mask = this.#mask;
    let slot = h & mask;
    for (;;) {
      const code = table[2 * slot + 1]!;
      if (code < 0) return -1;
      if (table[2 * slot] === h) {
        const at = code * this.stride;
        if (this.i32[at + I_ID_LENGTH] === length && equalWords(view, start, length, this.i32, at + I_ID)) return code;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Indexes session `code` (its record made, not indexed yet) under its id of `length` bytes at
   * `start` in `view`, with hash `h`, storing the id in the record; an id longer than
   * {@link ID_BYTES} is not indexed.
   */
  index(code: number, view: DataView, start: number, length: number, h: number): void {
    if (length > ID_BYTES) return;
    const at = code * this.stride;
    this.i32[at + I_ID_LENGTH] = length;
    storeWords(view, start, length, this.i32, at + I_ID);
    if (2 * (this.#indexed + 1) > this.#mask + 1) this.#rehash();
    this.#insert(this.#table, this.#mask, h, code);
    this.#indexed++;
  }

  #insert(table: Int32Array, mask: number, h: number, code: number): void {
    let slot = h & mask;
    while (table[2 * slot + 1]! >= 0) slot = (slot + 1) & mask;
    table[2 * slot] = h;
    table[2 * slot + 1] = code;
  }

  #rehash(): void {
    const old = this.#table;
    const mask = 2 * (this.#mask + 1) - 1;
    const table = new Int32Array(2 * (mask + 1)).fill(-1);
    for (let slot = 0; slot < old.length; slot += 2) {
      const code = old[slot + 1]!;
      if (code >= 0) this.#insert(table, mask, old[slot]!, code);
    }
    this.#table = table;
    this.#mask = mask;
  }

  /**
   * Makes room for sessions `0..sessions-1`, keeping the records held; new records are zero. The
   * buffer comes from the reader's spares (see `SpareBuffers`), and the one replaced goes back.
   */
  ensure(sessions: number): void {
    if (sessions <= this.capacity) return;
    const capacity = Math.max(1024, this.capacity * 2, sessions);
    const i32 = new Int32Array(READER_SPARES.take(capacity * this.stride * 4), 0, capacity * this.stride);
    i32.set(this.i32);
    i32.fill(0, this.i32.length);
    this.release();
    this.i32 = i32;
    this.f64 = new Float64Array(i32.buffer, 0, i32.length >> 1);
    this.capacity = capacity;
  }

  /** Hands the records' buffer back to the reader's spares and holds none (capacity 0). */
  release(): void {
    const buffer = this.i32.buffer;
    this.i32 = new Int32Array(0);
    this.f64 = new Float64Array(0);
    this.capacity = 0;
    if (buffer instanceof ArrayBuffer) READER_SPARES.give(buffer);
  }
}
