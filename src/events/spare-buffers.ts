/**
 * Working buffers a finished read hands back for the next read to use again: the event reader's
 * per-event arrays and its session records are scratch (the built log holds its own arrays), and
 * allocating them afresh on every read is tens of megabytes of memory outside the JavaScript heap
 * per read, which is what makes V8 start collecting the whole heap (its external-memory limit).
 * Reusing them keeps a read from paying for collecting everything else in the process.
 *
 * A buffer is handed out to one taker at a time (taking removes it), so concurrent reads never
 * share one. At most {@link SpareBuffers.maxBytes} are kept; a buffer larger than half of that is
 * never kept, nor one more than twice as large as the request that would get it.
 *
 * @example
 * ```ts
 * const spares = new SpareBuffers(64 << 20);
 * const a = spares.take(4096); // new, zero-filled
 * spares.give(a);
 * spares.take(4000) === a;     // true: reused (contents as the last user left them)
 * ```
 */
export class SpareBuffers {
  readonly maxBytes: number;
  #spares: ArrayBuffer[] = [];
  #kept = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Bytes kept now. */
  get keptBytes(): number {
    return this.#kept;
  }

  /**
   * A buffer of at least `bytes`: the smallest spare one that is at most twice as large (its
   * contents as its last user left them), else a new zero-filled one.
   */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.#spares.length; i++) {
      const size = this.#spares[i]!.byteLength;
      if (size >= bytes && size <= 2 * bytes && (best < 0 || size < this.#spares[best]!.byteLength)) best = i;
    }
    if (best < 0) return new ArrayBuffer(bytes);
    const buffer = this.#spares[best]!;
    this.#spares.splice(best, 1);
    this.#kept -= buffer.byteLength;
    return buffer;
  }

  /**
   * Hands `buffer` back for a later {@link SpareBuffers.take}; the caller must hold no view of it
   * any more. Kept only within the limits; the smallest are dropped first to make room.
   */
  give(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (size === 0 || 2 * size > this.maxBytes || this.#spares.includes(buffer)) return;
    this.#spares.sort((a, b) => a.byteLength - b.byteLength);
    while (this.#kept + size > this.maxBytes && this.#spares.length > 0) this.#kept -= this.#spares.shift()!.byteLength;
    this.#spares.push(buffer);
    this.#kept += size;
  }

  /**
   * Drops every kept buffer (the memory goes back to the garbage collector); the next
   * {@link SpareBuffers.take} allocates afresh.
   *
   * @example
   * ```ts
   * READER_SPARES.clear(); // e.g. after the last read of a long-running process
   * READER_SPARES.keptBytes; // 0
   * ```
   */
  clear(): void {
    this.#spares = [];
    this.#kept = 0;
  }
}

/**
 * The event reader's spare buffers, shared by all reads in the process: at most 64 MiB kept
 * (enough for the working arrays of a read of about 60 MB of text).
 */
export const READER_SPARES: SpareBuffers = new SpareBuffers(64 << 20);
