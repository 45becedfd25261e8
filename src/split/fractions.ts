import { InvalidArgumentError } from '../errors.js';

/**
 * The three parts of a split, in order: earliest/first to latest/last.
 *
 * @example
 * ```ts
 * for (const part of PART_NAMES) console.log(part, split[part].rowCount); // train, validation, test
 * ```
 */
export const PART_NAMES = ['train', 'validation', 'test'] as const;

/** One of `'train' | 'validation' | 'test'`. */
export type PartName = (typeof PART_NAMES)[number];

/** Fractions of the rows (or groups' rows) for each part. They must sum to 1 within 1e-9; zeros are allowed. */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/**
 * Checks split fractions and returns them as `[train, validation, test]`: each finite and in
 * [0, 1], summing to 1 within 1e-9.
 *
 * @example
 * ```ts
 * validateFractions({ train: 0.7, validation: 0.15, test: 0.15 }, 'FrameSplitter.split'); // [0.7, 0.15, 0.15]
 * validateFractions({ train: 0.7, validation: 0.2, test: 0.2 }, 'split'); // throws InvalidArgumentError
 * ```
 */
export function validateFractions(fractions: SplitFractions, where: string): [number, number, number] {
  const out: number[] = [];
  for (const name of PART_NAMES) {
    const value = fractions[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new InvalidArgumentError(where, name, value, 'a fraction in [0, 1]');
    }
    out.push(value);
  }
  const sum = out[0]! + out[1]! + out[2]!;
  if (Math.abs(sum - 1) > 1e-9) {
    throw new InvalidArgumentError(where, 'train + validation + test', sum, 'a sum of 1 (within 1e-9)');
  }
  return out as [number, number, number];
}

/**
 * Splits `n` items into parts proportional to `fractions` with the largest-remainder method:
 * every part first gets `floor(n × fraction)`, then the items left over go one each to the parts
 * with the largest fractional remainders (ties to the earlier part). Then, when `n` is at least
 * the number of parts with a non-zero fraction, every such part that got nothing takes one item
 * from the part that got the most (so a class with 3 rows appears in train, validation and test).
 * Parts with a zero fraction always get nothing.
 *
 * @example
 * ```ts
 * allocateCounts(10, [0.7, 0.15, 0.15]); // [7, 2, 1]  (1.5 and 1.5: the tie goes to validation)
 * allocateCounts(3, [0.7, 0.15, 0.15]);  // [1, 1, 1]  (largest remainder gives [2, 1, 0]; test takes one from train)
 * ```
 */
export function allocateCounts(n: number, fractions: readonly number[]): number[] {
  const counts = fractions.map((f) => Math.floor(n * f + 1e-9 * n));
  // A fraction like 0.7 makes n × 0.7 = 6.999999…; the 1e-9·n nudge keeps exact products whole.
  for (let i = 0; i < counts.length; i++) counts[i] = Math.min(counts[i]!, n);
  let left = n - counts.reduce((a, b) => a + b, 0);
  if (left < 0) {
    // Only possible through the nudge on sums just above 1: take back from the largest parts.
    while (left < 0) {
      const i = argmax(counts);
      counts[i]!--;
      left++;
    }
  }
  const order = fractions
    .map((f, i) => ({ i, remainder: n * f - Math.floor(n * f + 1e-9 * n), f }))
    .filter((e) => e.f > 0)
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) counts[order[k]!.i]!++;
  const nonZero = fractions.map((f, i) => (f > 0 ? i : -1)).filter((i) => i >= 0);
  if (n >= nonZero.length) {
    for (const i of nonZero) {
      if (counts[i] === 0) {
        const donor = argmax(counts);
        counts[donor]!--;
        counts[i] = 1;
      }
    }
  }
  return counts;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
