import { allocateCounts, validateFractions, type SplitFractions } from './fractions.js';
import type { SplitIndices } from './split-types.js';

/**
 * Splits rows by time (or any order): train gets the earliest rows, validation the next and test
 * the latest, so a model is trained on the past and tested on the future. Rows are sorted by
 * `order[i]` (numbers, or strings such as ISO timestamps compared as text), stably: equal values
 * keep their row order. Sizes come from `allocateCounts`; then ties stay together: a run of
 * equal values that a cut would divide goes whole to the earlier part. So every train value is
 * strictly smaller than every validation value, which is strictly smaller than every test value.
 * There is no randomness. Each part's rows are returned in time order.
 *
 * @example
 * ```ts
 * const times = [5, 1, 3, 2, 4, 6, 8, 7, 9, 10];
 * const parts = orderedSplit(times, { train: 0.6, validation: 0.2, test: 0.2 });
 * parts.test; // Uint32Array [8, 9]  (the rows at times 9 and 10)
 * ```
 */
export function orderedSplit(order: ArrayLike<number> | readonly string[], fractions: SplitFractions): SplitIndices {
  const f = validateFractions(fractions, 'orderedSplit');
  const n = order.length;
  const rows = Array.from({ length: n }, (_, i) => i);
  const values = order as ArrayLike<number | string>;
  rows.sort((a, b) => {
    const x = values[a]!;
    const y = values[b]!;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const counts = allocateCounts(n, f);
  let cut1 = counts[0]!;
  let cut2 = cut1 + counts[1]!;
  const tieEnd = (cut: number): number => {
    let c = cut;
    while (c > 0 && c < n && values[rows[c]!] === values[rows[c - 1]!]) c++;
    return c;
  };
  cut1 = tieEnd(cut1);
  cut2 = tieEnd(Math.max(cut2, cut1));
  return {
    train: Uint32Array.from(rows.slice(0, cut1)),
    validation: Uint32Array.from(rows.slice(cut1, cut2)),
    test: Uint32Array.from(rows.slice(cut2)),
  };
}
