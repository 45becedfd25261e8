/**
 * The running median of a growing list of numbers in O(log n) per insertion: a max-heap of the
 * lower half and a min-heap of the upper half, each in a growable `Float64Array`. The median is
 * the top of the larger half, or `(lower + upper) / 2` for an even count: the same two values,
 * added in the same order, that the flattener's sort/selection picks, so the result is
 * bit-identical to `gap_median_s`.
 *
 * @example
 * ```ts
 * const m = new GapMedian();
 * for (const g of [2, 0.5, 1]) m.push(g);
 * m.median(); // 1
 * m.push(4);
 * m.median(); // 1.5
 * ```
 */
export class GapMedian {
  #low: Float64Array = new Float64Array(8);
  #high: Float64Array = new Float64Array(8);
  #lowSize = 0;
  #highSize = 0;

  /** Number of values pushed. */
  get size(): number {
    return this.#lowSize + this.#highSize;
  }

  /** Adds a value (not NaN). */
  push(value: number): void {
    if (this.#lowSize === 0 || value <= this.#low[0]!) this.#pushLow(value);
    else this.#pushHigh(value);
    // Keep lowSize ∈ {highSize, highSize + 1}.
    if (this.#lowSize > this.#highSize + 1) this.#pushHigh(this.#popLow());
    else if (this.#highSize > this.#lowSize) this.#pushLow(this.#popHigh());
  }

  /** The median of the values pushed, 0 when there are none. */
  median(): number {
    if (this.#lowSize === 0) return 0;
    return this.#lowSize > this.#highSize ? this.#low[0]! : (this.#low[0]! + this.#high[0]!) / 2;
  }

  /** Forgets every value (keeps the storage). */
  clear(): void {
    this.#lowSize = 0;
    this.#highSize = 0;
  }

  #pushLow(v: number): void {
    if (this.#lowSize === this.#low.length) this.#low = grow(this.#low);
    siftUp(this.#low, this.#lowSize++, v, -1);
  }

  #pushHigh(v: number): void {
    if (this.#highSize === this.#high.length) this.#high = grow(this.#high);
    siftUp(this.#high, this.#highSize++, v, 1);
  }

  #popLow(): number {
    const top = this.#low[0]!;
    siftDown(this.#low, --this.#lowSize, this.#low[this.#lowSize]!, -1);
    return top;
  }

  #popHigh(): number {
    const top = this.#high[0]!;
    siftDown(this.#high, --this.#highSize, this.#high[this.#highSize]!, 1);
    return top;
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** Heap order: `sign` 1 keeps the smallest on top, -1 the largest. */
function siftUp(heap: Float64Array, at: number, v: number, sign: number): void {
  let i = at;
  while (i > 0) {
    const parent = (i - 1) >>> 1;
    const p = heap[parent]!;
    if (sign * (p - v) <= 0) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = v;
}

function siftDown(heap: Float64Array, size: number, v: number, sign: number): void {
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && sign * (heap[child + 1]! - heap[child]!) < 0) child++;
    if (sign * (heap[child]! - v) >= 0) break;
    heap[i] = heap[child]!;
    i = child;
  }
  if (size > 0) heap[i] = v;
}
