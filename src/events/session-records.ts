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
/** Index, in int32 units: the tag of the source whose row the span was copied from (0: no span). */
export const I_SPAN_TAG = 7;
/** Index, in int32 units: the length in bytes of the span. */
export const I_SPAN_LENGTH = 8;
/** Index, in int32 units: the length in bytes of the session id held in the record (-1: not held). */
export const I_ID_LENGTH = 9;
/** Index, in int32 units, of the session id's bytes (up to {@link ID_BYTES}). */
export const I_ID = 10;
/** Longest session id a record holds, in bytes. */
export const ID_BYTES = 24;
/** Index, in int32 units, of the first of the kept values' codes on the session's last event (-1: empty). */
export const I_KEEP = 16;
/** Longest span of kept fields a record holds, in bytes. */
export const SPAN_BYTES = 48;

/**
 * The event reader's running state of every session, one fixed-size record per session in one
 * buffer: the sort key, time and action of its last event, its label, whether its events arrived
 * out of order, the codes of its last event's kept values, and those values' bytes as they
 * appeared in the row (the "span", delimiters included), to compare the next row with in one pass.
 * The record also holds the session id's bytes, so a lookup by hash is confirmed there. Reading a
 * row touches its session's record only, two adjacent cache lines, where one array per field cost
 * a cache miss per field: with tens of thousands of interleaved sessions, those misses were most of
 * a row's time.
 *
 * Records are addressed by session code: int32 fields at `i32[s * stride + I_…]`, float64
 * fields at `f64[((s * stride) >> 1) + F_…]`, the id's bytes at `u8[(s * stride + I_ID) * 4 ..]`,
 * the span's bytes at `u8[(s * stride + spanAt) * 4 ..]`.
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
  /** Int32 index, from a record's start, of its span's first byte divided by 4. */
  readonly spanAt: number;
  /** Sessions the buffer holds. */
  capacity = 0;
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);
  u8 = new Uint8Array(0);

  constructor(keepCount: number) {
    this.spanAt = I_KEEP + keepCount + ((I_KEEP + keepCount) & 1);
    this.stride = Math.ceil((this.spanAt + SPAN_BYTES / 4) / 16) * 16;
  }

  /** Open addressing over pairs `[hash, code]` (code -1: an empty slot), kept under half full. */
  #table = new Int32Array(2048).fill(-1);
  #mask = 1023;
  #indexed = 0;

  /**
   * The code of the session indexed under the id `bytes[start..end)` with hash `h` (the session
   * dictionary's `hashBytes`), or -1 when none is: the id is confirmed against the bytes in the
   * record, so a hit reads the table and the record only.
   */
  find(bytes: Uint8Array, start: number, end: number, h: number): number {
    const table = this.#table;
    const mask = this.#mask;
    const length = end - start;
    let slot = h & mask;
    for (;;) {
      const code = table[2 * slot + 1]!;
      if (code < 0) return -1;
      if (table[2 * slot] === h) {
        const at = code * this.stride;
        if (this.i32[at + I_ID_LENGTH] === length) {
          const u8 = this.u8;
          const from = (at + I_ID) * 4 - start;
          let q = start;
          while (q < end && u8[from + q] === bytes[q]) q++;
          if (q === end) return code;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Indexes session `code` (its record made, not indexed yet) under its id `bytes[start..end)`
   * with hash `h`, copying the id into the record; an id longer than {@link ID_BYTES} is not indexed.
   */
  index(code: number, bytes: Uint8Array, start: number, end: number, h: number): void {
    const length = end - start;
    if (length > ID_BYTES) return;
    const at = code * this.stride;
    this.i32[at + I_ID_LENGTH] = length;
    const u8 = this.u8;
    const to = (at + I_ID) * 4 - start;
    for (let q = start; q < end; q++) u8[to + q] = bytes[q]!;
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

  /** Makes room for sessions `0..sessions-1`, keeping the records held. */
  ensure(sessions: number): void {
    if (sessions <= this.capacity) return;
    const capacity = Math.max(1024, this.capacity * 2, sessions);
    const buffer = new ArrayBuffer(capacity * this.stride * 4);
    const u8 = new Uint8Array(buffer);
    u8.set(this.u8);
    this.u8 = u8;
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.capacity = capacity;
  }
}
