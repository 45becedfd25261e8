import { allocateCounts, validateFractions, type SplitFractions } from './fractions.js';
import { createRandom } from '../random/random.js';
import type { SplitIndices } from './split-types.js';

/** Options of `groupedSplit`. */
export interface GroupedSplitOptions {
  /** Seed of the shuffle of groups; the same seed gives the same split. */
  readonly seed: number;
  /** Split groups that contain a positive row separately from the others (default `true`). */
  readonly stratify?: boolean;
}

/**
 * Splits rows so that every group (rows with the same `groups[i]` key, e.g. one customer) lands
 * whole in one part. With `stratify` (the default) the groups that contain a positive label and
 * those that do not are split separately, so attacked customers appear in every part.
 *
 * Within a stratum the groups are shuffled, the stratum's rows get target counts per part from
 * `allocateCounts`, and the groups are laid end to end in shuffled order: a group goes to
 * the part whose target range holds the middle of the group (so a big group is not forced past a
 * cut). Part sizes therefore follow the fractions by rows, within about half a group at each cut.
 * When a stratum has at least as many groups as parts with a non-zero fraction, a part left with
 * no group of it takes the smallest group of the part holding the most groups. Each part's rows
 * are returned in ascending order.
 *
 * @example
 * ```ts
 * const customers = [1, 1, 2, 2, 3, 4, 5, 5, 6, 7];
 * const labels = [0, 1, 0, 0, 0, 0, 0, 0, 1, 1];
 * const parts = groupedSplit(customers, labels, { train: 0.6, validation: 0.2, test: 0.2 }, { seed: 3 });
 * // customer 1's two rows are in the same part; customers 1, 6 and 7 (the positives) are in different parts
 * ```
 */
export function groupedSplit(
  groups: ArrayLike<number>,
  labels: ArrayLike<number>,
  fractions: SplitFractions,
  options: GroupedSplitOptions,
): SplitIndices {
  const { seed, stratify = true } = options;
  const f = validateFractions(fractions, 'groupedSplit');
  const random = createRandom(seed);
  const rowsOf = new Map<number, number[]>();
  const positive = new Set<number>();
  for (let i = 0; i < groups.length; i++) {
    const key = groups[i]!;
    let rows = rowsOf.get(key);
    if (rows === undefined) rowsOf.set(key, (rows = []));
    rows.push(i);
    if (labels[i] === 1) positive.add(key);
  }
  const keys = [...rowsOf.keys()];
  const strata = stratify ? [keys.filter((k) => !positive.has(k)), keys.filter((k) => positive.has(k))] : [keys];
  const parts: number[][] = [[], [], []];
  for (const stratum of strata) {
    // Shuffle positions into the stratum (not the keys themselves, which may be any numbers).
    const order = random.shuffle(Uint32Array.from(stratum, (_, i) => i));
    const sizes = Array.from(order, (i) => rowsOf.get(stratum[i]!)!.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    const targets = allocateCounts(total, f);
    const cut1 = targets[0]!;
    const cut2 = targets[0]! + targets[1]!;
    const assigned: number[] = [];
    let start = 0;
    for (const size of sizes) {
      const middle = start + size / 2;
      assigned.push(middle < cut1 ? 0 : middle < cut2 ? 1 : 2);
      start += size;
    }
    const nonZero = f.map((x, p) => (x > 0 ? p : -1)).filter((p) => p >= 0);
    if (order.length >= nonZero.length) {
      for (const p of nonZero) {
        if (assigned.includes(p)) continue;
        const groupCounts = [0, 1, 2].map((q) => assigned.filter((a) => a === q).length);
        const donor = groupCounts.indexOf(Math.max(...groupCounts));
        let pick = -1;
        for (let g = 0; g < assigned.length; g++) {
          if (assigned[g] === donor && (pick < 0 || sizes[g]! <= sizes[pick]!)) pick = g;
        }
        assigned[pick] = p;
      }
    }
    order.forEach((i, g) => {
      const target = parts[assigned[g]!]!;
      for (const row of rowsOf.get(stratum[i]!)!) target.push(row);
    });
  }
  const [train, validation, test] = parts.map((rows) => Uint32Array.from(rows).sort());
  return { train: train!, validation: validation!, test: test! };
}
