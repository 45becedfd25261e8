import { allocateCounts, validateFractions, type SplitFractions } from './fractions.js';
import { createRandom } from '../random/random.js';
import type { SplitIndices } from './split-types.js';

/** Options of `stratifiedSplit`. */
export interface StratifiedSplitOptions {
  /** Seed of the shuffle; the same seed gives the same split. */
  readonly seed: number;
  /** Split each class separately so every part keeps the class balance (default `true`). */
  readonly stratify?: boolean;
}

/**
 * Splits rows `0..labels.length-1` at random into train, validation and test. With `stratify`
 * (the default) the rows of each class (each distinct label value, in ascending order of value)
 * are shuffled and cut separately, with sizes from `allocateCounts` (largest remainder, and
 * at least one row per non-empty part for a class with at least as many rows as such parts), so a
 * rare class with 3 rows appears in each of three parts. Without it all rows are shuffled and cut
 * once. Each part's rows are returned in ascending order.
 *
 * @example
 * ```ts
 * const labels = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
 * const parts = stratifiedSplit(labels, { train: 0.6, validation: 0.2, test: 0.2 }, { seed: 1 });
 * // each part holds one of the three rows labelled 1
 * ```
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  fractions: SplitFractions,
  options: StratifiedSplitOptions,
): SplitIndices {
  const { seed, stratify = true } = options;
  const f = validateFractions(fractions, 'stratifiedSplit');
  const random = createRandom(seed);
  const strata = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const key = stratify ? labels[i]! : 0;
    let rows = strata.get(key);
    if (rows === undefined) strata.set(key, (rows = []));
    rows.push(i);
  }
  const parts: number[][] = [[], [], []];
  for (const key of [...strata.keys()].sort((a, b) => a - b)) {
    const rows = random.shuffle(Uint32Array.from(strata.get(key)!));
    const counts = allocateCounts(rows.length, f);
    let at = 0;
    counts.forEach((count, p) => {
      for (let k = 0; k < count; k++) parts[p]!.push(rows[at + k]!);
      at += count;
    });
  }
  const [train, validation, test] = parts.map((rows) => Uint32Array.from(rows).sort());
  return { train: train!, validation: validation!, test: test! };
}
