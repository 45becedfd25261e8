/**
 * XGBoost 1.7.4's weighted quantile sketch (`WQuantileSketch<float, float>` as the `hist` cut
 * builder uses it), reproduced operation for operation: the same queue, level structure, `SetPrune`
 * and `SetCombine` (with its `FixError` pass), and float32 ranks, so the cut points come out bit
 * for bit as XGBoost's.
 */
import { stdSortByValue } from './std-sort.js';

/**
 * A weighted quantile summary: entries sorted by value, each with its rank bounds and weight, all
 * float32 values stored in float64 arrays.
 */
export interface QuantileSummary {
  /** Lower rank bound of each entry. */
  readonly rmin: Float64Array;
  /** Upper rank bound of each entry. */
  readonly rmax: Float64Array;
  /** Weight of the entry's value itself. */
  readonly wmin: Float64Array;
  /** The entry's value (float32). */
  readonly value: Float64Array;
  /** Number of entries used (the arrays may be longer). */
  readonly size: number;
}

function alloc(n: number): { rmin: Float64Array; rmax: Float64Array; wmin: Float64Array; value: Float64Array } {
  return {
    rmin: new Float64Array(n),
    rmax: new Float64Array(n),
    wmin: new Float64Array(n),
    value: new Float64Array(n),
  };
}

const fr = Math.fround;

/**
 * The exact summary of values with weights (XGBoost's `MakeSummary`): sorts the first `length`
 * entries in place with libstdc++'s `std::sort` ({@link stdSortByValue}), merges equal values in
 * the order the sort leaves them, and ranks them as running float32 sums.
 *
 * @example
 * ```ts
 * const s = makeSummary(Float64Array.of(3, 1, 3), Float64Array.of(1, 1, 1), 3);
 * s.size; // 2; s.rmin [0, 1], s.rmax [1, 3], s.wmin [1, 2]
 * ```
 */
export function makeSummary(values: Float64Array, weights: Float64Array, length: number): QuantileSummary {
  stdSortByValue(values, weights, length);
  const out = alloc(length);
  let size = 0;
  let wsum = 0;
  for (let i = 0; i < length; ) {
    const v = values[i]!;
    let w = weights[i]!;
    let j = i + 1;
    while (j < length && values[j] === v) w = fr(w + weights[j++]!);
    out.rmin[size] = wsum;
    out.rmax[size] = fr(wsum + w);
    out.wmin[size] = w;
    out.value[size] = v;
    size++;
    wsum = fr(wsum + w);
    i = j;
  }
  return { ...out, size };
}

/**
 * Reduces a summary to at most `maxSize` entries, keeping the entries nearest evenly spaced ranks
 * (XGBoost's `WQSummary::SetPrune`, float32 arithmetic included). Returns the input when it is
 * already small enough.
 *
 * @example
 * ```ts
 * const pruned = setPrune(summary, 257);
 * ```
 */
export function setPrune(src: QuantileSummary, maxSize: number): QuantileSummary {
  if (src.size <= maxSize) return src;
  const { rmin, rmax, wmin, value } = src;
  const last = src.size - 1;
  const begin = rmax[0]!;
  const range = fr(rmin[last]! - rmax[0]!);
  const n = maxSize - 1;
  const out = alloc(maxSize);
  let size = 0;
  const put = (k: number) => {
    out.rmin[size] = rmin[k]!;
    out.rmax[size] = rmax[k]!;
    out.wmin[size] = wmin[k]!;
    out.value[size] = value[k]!;
    size++;
  };
  put(0);
  let i = 1;
  let lastIndex = 0;
  for (let k = 1; k < n; k++) {
    const dx2 = fr(2 * fr(fr(fr(k * range) / n) + begin));
    while (i < last && dx2 >= fr(rmax[i + 1]! + rmin[i + 1]!)) i++;
    if (i === last) break;
    if (dx2 < fr(fr(rmin[i]! + wmin[i]!) + fr(rmax[i + 1]! - wmin[i + 1]!))) {
      if (i !== lastIndex) {
        put(i);
        lastIndex = i;
      }
    } else if (i + 1 !== lastIndex) {
      put(i + 1);
      lastIndex = i + 1;
    }
  }
  if (lastIndex !== last) put(last);
  return { ...out, size };
}

/**
 * Merges two summaries of disjoint data into one, then repairs rank bounds (XGBoost's
 * `WQSummary::SetCombine` followed by `FixError`).
 *
 * @example
 * ```ts
 * const merged = setCombine(a, b); // merged.size ≤ a.size + b.size
 * ```
 */
export function setCombine(a: QuantileSummary, b: QuantileSummary): QuantileSummary {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = alloc(a.size + b.size);
  let size = 0;
  let ia = 0;
  let ib = 0;
  let aprev = 0;
  let bprev = 0;
  const push = (r0: number, r1: number, w: number, v: number) => {
    out.rmin[size] = r0;
    out.rmax[size] = r1;
    out.wmin[size] = w;
    out.value[size] = v;
    size++;
  };
  while (ia < a.size && ib < b.size) {
    const va = a.value[ia]!;
    const vb = b.value[ib]!;
    if (va === vb) {
      push(fr(a.rmin[ia]! + b.rmin[ib]!), fr(a.rmax[ia]! + b.rmax[ib]!), fr(a.wmin[ia]! + b.wmin[ib]!), va);
      aprev = fr(a.rmin[ia]! + a.wmin[ia]!);
      bprev = fr(b.rmin[ib]! + b.wmin[ib]!);
      ia++;
      ib++;
    } else if (va < vb) {
      push(fr(a.rmin[ia]! + bprev), fr(a.rmax[ia]! + fr(b.rmax[ib]! - b.wmin[ib]!)), a.wmin[ia]!, va);
      aprev = fr(a.rmin[ia]! + a.wmin[ia]!);
      ia++;
    } else {
      push(fr(b.rmin[ib]! + aprev), fr(b.rmax[ib]! + fr(a.rmax[ia]! - a.wmin[ia]!)), b.wmin[ib]!, vb);
      bprev = fr(b.rmin[ib]! + b.wmin[ib]!);
      ib++;
    }
  }
  if (ia < a.size) {
    const brmax = b.rmax[b.size - 1]!;
    for (; ia < a.size; ia++) push(fr(a.rmin[ia]! + bprev), fr(a.rmax[ia]! + brmax), a.wmin[ia]!, a.value[ia]!);
  }
  if (ib < b.size) {
    const armax = a.rmax[a.size - 1]!;
    for (; ib < b.size; ib++) push(fr(b.rmin[ib]! + aprev), fr(b.rmax[ib]! + armax), b.wmin[ib]!, b.value[ib]!);
  }
  // FixError: make rank bounds monotone and consistent with weights.
  let prmin = 0;
  let prmax = 0;
  for (let i = 0; i < size; i++) {
    if (out.rmin[i]! < prmin) out.rmin[i] = prmin;
    else prmin = out.rmin[i]!;
    if (out.rmax[i]! < prmax) out.rmax[i] = prmax;
    const next = fr(out.rmin[i]! + out.wmin[i]!);
    if (out.rmax[i]! < next) out.rmax[i] = next;
    prmax = out.rmax[i]!;
  }
  return { ...out, size };
}

const EMPTY: QuantileSummary = { ...alloc(0), size: 0 };

/**
 * The sketch's size parameters for `maxn` values at accuracy `eps`: the number of levels and the
 * entries kept per level (`WQuantileSketch::LimitSizeLevel`).
 *
 * @example
 * ```ts
 * sketchLimits(23000, 1 / 2048); // { levels: 2, limit: 4097 }
 * ```
 */
export function sketchLimits(maxn: number, eps: number): { levels: number; limit: number } {
  let levels = 1;
  for (;;) {
    const limit = Math.min(maxn, Math.ceil(levels / eps) + 1);
    if (2 ** levels * limit >= maxn) return { levels, limit };
    levels++;
  }
}

/**
 * A streaming weighted quantile sketch, XGBoost 1.7.4's `WQuantileSketch<float, float>`: values
 * are pushed in order; consecutive equal values are merged in a queue, full queues are summarised
 * and pushed up a hierarchy of pruned levels.
 *
 * @example
 * ```ts
 * const sketch = new WQuantileSketch(values.length, 1 / (8 * 256));
 * for (const v of values) sketch.push(v);
 * const summary = sketch.summary();
 * ```
 */
export class WQuantileSketch {
  readonly limit: number;
  #capacity = 1;
  #qValue: Float64Array;
  #qWeight: Float64Array;
  #qSize = 0;
  readonly #levels: QuantileSummary[] = [];

  constructor(maxn: number, eps: number) {
    this.limit = sketchLimits(maxn, eps).limit;
    this.#qValue = new Float64Array(2 * this.limit);
    this.#qWeight = new Float64Array(2 * this.limit);
  }

  /** Adds one value (a float32) with a weight (default 1); zero weights are ignored. */
  push(x: number, w = 1): void {
    if (w === 0) return;
    const qs = this.#qSize;
    if (qs === this.#capacity && this.#qValue[qs - 1] !== x) {
      if (this.#capacity === 1) this.#capacity = 2 * this.limit;
      else {
        const temp = makeSummary(this.#qValue, this.#qWeight, qs);
        this.#qSize = 0;
        this.#pushTemp(temp);
      }
    }
    const n = this.#qSize;
    if (n === 0 || this.#qValue[n - 1] !== x) {
      this.#qValue[n] = x;
      this.#qWeight[n] = fr(w);
      this.#qSize = n + 1;
    } else this.#qWeight[n - 1] = fr(this.#qWeight[n - 1]! + w);
  }

  #pushTemp(temp: QuantileSummary): void {
    for (let l = 1; ; l++) {
      while (this.#levels.length < l + 1) this.#levels.push(EMPTY);
      if (this.#levels[l]!.size === 0) {
        this.#levels[l] = setPrune(temp, this.limit);
        return;
      }
      const merged = setCombine(setPrune(temp, this.limit), this.#levels[l]!);
      if (merged.size > this.limit) {
        this.#levels[l] = EMPTY;
        temp = merged;
      } else {
        this.#levels[l] = merged;
        return;
      }
    }
  }

  /** The summary of everything pushed so far (`GetSummary`). */
  summary(): QuantileSummary {
    let out = makeSummary(this.#qValue, this.#qWeight, this.#qSize);
    if (this.#levels.length > 0) {
      let lv0 = setPrune(out, this.limit);
      for (let l = 1; l < this.#levels.length; l++) {
        const level = this.#levels[l]!;
        if (level.size === 0) continue;
        if (lv0.size === 0) lv0 = level;
        else {
          out = setCombine(lv0, level);
          lv0 = setPrune(out, this.limit);
        }
      }
      return lv0;
    }
    return out.size > this.limit ? setPrune(out, this.limit) : out;
  }
}
