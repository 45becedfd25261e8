import { InvalidArgumentError } from '../errors.js';

/**
 * A small seeded pseudo-random generator (SplitMix32-style mixing over a 32-bit Weyl sequence):
 * fast, statistically good enough for shuffling rows, and identical on every platform, so the same
 * seed always gives the same split. Not for cryptography.
 *
 * @example
 * ```ts
 * const next = seededRandom(42);
 * next(); // a float in [0, 1), the same first value for seed 42 every time
 * ```
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new InvalidArgumentError('seededRandom', 'seed', seed, 'an integer in [0, 2^32)');
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 0x100000000;
  };
}

/**
 * Shuffles `values` in place with the Fisher–Yates algorithm driven by `random` and returns it.
 *
 * @example
 * ```ts
 * shuffleInPlace(Uint32Array.from([0, 1, 2, 3]), seededRandom(7)); // a fixed permutation for seed 7
 * ```
 */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, random: () => number): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}
