/**
 * Gradient histograms for `hist` training, as XGBoost 1.7.4 sums them: per bin a double (Σg, Σh)
 * pair, interleaved (`hist[2b]`, `hist[2b + 1]`), each bin receiving its rows in increasing row
 * order so the double sums round exactly as XGBoost's do; the sibling of a built child is its
 * parent minus the child, bin by bin (XGBoost's subtraction trick).
 */

/**
 * A pool of histograms of one length, recycled from node to node and tree to tree of a training
 * run: at most one histogram per node of the level being expanded plus its children is alive.
 *
 * @example
 * ```ts
 * const pool = new HistogramPool(2 * (totalBins + 1));
 * const h = pool.take();          // zeroed
 * buildHistogram(h, rowIds, 0, n, bins, columns, gh);
 * pool.give(h);
 * ```
 */
export class HistogramPool {
  readonly #free: Float64Array[] = [];
  /** Doubles per histogram: 2 × (bins + the missing slot). */
  readonly length: number;

  constructor(length: number) {
    this.length = length;
  }

  /** A zeroed histogram. */
  take(): Float64Array {
    const h = this.#free.pop();
    if (h === undefined) return new Float64Array(this.length);
    h.fill(0);
    return h;
  }

  /** Returns a histogram to the pool; the caller no longer reads or writes it. */
  give(h: Float64Array): void {
    this.#free.push(h);
  }
}

/**
 * Adds rows `rowIds[begin..end)` (increasing) into a zeroed histogram from the row-major bin
 * matrix (`bins[row * columns + f]`, global bin ids, missing values in the never-read slot), with
 * row `r`'s gradient and hessian at `gh[2r]`, `gh[2r + 1]`. Rows are taken four at a time, feature
 * by feature: each bin still receives its rows in increasing order, and the CPU overlaps four
 * independent updates.
 *
 * @example
 * ```ts
 * buildHistogram(hist, rowIds, begin, end, binMatrix.bins, columns, gh);
 * ```
 */
export function buildHistogram(
  hist: Float64Array,
  rowIds: Uint32Array,
  begin: number,
  end: number,
  bins: Uint16Array | Uint32Array,
  columns: number,
  gh: Float64Array,
): void {
  const m = columns;
  let i = begin;
  for (; i + 3 < end; i += 4) {
    const r1 = rowIds[i]!;
    const r2 = rowIds[i + 1]!;
    const r3 = rowIds[i + 2]!;
    const r4 = rowIds[i + 3]!;
    const g1 = gh[2 * r1]!;
    const h1 = gh[2 * r1 + 1]!;
    const g2 = gh[2 * r2]!;
    const h2 = gh[2 * r2 + 1]!;
    const g3 = gh[2 * r3]!;
    const h3 = gh[2 * r3 + 1]!;
    const g4 = gh[2 * r4]!;
    const h4 = gh[2 * r4 + 1]!;
    let o1 = r1 * m;
    let o2 = r2 * m;
    let o3 = r3 * m;
    let o4 = r4 * m;
    const stop = o1 + m;
    for (; o1 < stop; o1++, o2++, o3++, o4++) {
      const b1 = bins[o1]! << 1;
      const b2 = bins[o2]! << 1;
      const b3 = bins[o3]! << 1;
      const b4 = bins[o4]! << 1;
      hist[b1]! += g1;
      hist[b1 | 1]! += h1;
      hist[b2]! += g2;
      hist[b2 | 1]! += h2;
      hist[b3]! += g3;
      hist[b3 | 1]! += h3;
      hist[b4]! += g4;
      hist[b4 | 1]! += h4;
    }
  }
  for (; i < end; i++) {
    const row = rowIds[i]!;
    const g = gh[2 * row]!;
    const h = gh[2 * row + 1]!;
    let off = row * m;
    const stop = off + m;
    for (; off < stop; off++) {
      const b = bins[off]! << 1;
      hist[b]! += g;
      hist[b | 1]! += h;
    }
  }
}

/**
 * Turns `parent` into the histogram of the sibling of `built`: `parent[i] − built[i]` for every
 * slot, in place.
 *
 * @example
 * ```ts
 * subtractHistogram(parentHist, leftHist); // parentHist is now the right child's
 * ```
 */
export function subtractHistogram(parent: Float64Array, built: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] = parent[i]! - built[i]!;
}
