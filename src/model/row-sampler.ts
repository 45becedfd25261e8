import type { Mt19937 } from './mt19937.js';

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;
const BELOW_ONE = 1 - 2 ** -53;

/**
 * The rows `subsample` keeps for one tree of XGBoost 1.7.4's `hist` updater: one 32-bit draw `s0`
 * from the global mt19937 seeds `std::linear_congruential_engine<uint64_t, 16807, 0, 2^63>`, and row
 * `i` is kept iff `(x_{i+1} − 1) / 2^63 < subsample` (libstdc++'s `bernoulli_distribution` over
 * `generate_canonical<double, 53>`). A Bernoulli coin per row, not a fixed-size draw; the 63-bit
 * state is kept as two 32-bit halves so no BigInt is needed.
 *
 * @example
 * ```ts
 * const mt = new Mt19937(7);
 * mt.next();                                           // the updater's column sampler draw
 * const keep = histSubsampleMask(mt.next(), 200, Math.fround(0.8)); // Uint8Array, 1 = kept
 * ```
 */
export function histSubsampleMask(initialSeed: number, rows: number, subsample: number, out = new Uint8Array(rows)): Uint8Array {
  // seed mod 2^63 of a 32-bit value is itself; the engine replaces 0 by 1.
  let hi = 0;
  let lo = initialSeed >>> 0;
  if (lo === 0) lo = 1;
  const threshold = Math.fround(subsample);
  for (let i = 0; i < rows; i++) {
    const plo = lo * 16807; // < 2^47: exact
    const carry = (plo / TWO_32) | 0;
    lo = plo >>> 0;
    hi = (Math.imul(hi, 16807) + carry) & 0x7fffffff; // (hi·16807 + carry) mod 2^31
    // (x − 1) converted to double with one rounding, as the C++ uint64 → double conversion.
    const xm1 = lo === 0 ? (hi - 1) * TWO_32 + (TWO_32 - 1) : hi * TWO_32 + (lo - 1);
    let u = xm1 / TWO_63;
    if (u >= 1) u = BELOW_ONE;
    out[i] = u < threshold ? 1 : 0;
  }
  return out;
}

/**
 * The rows `subsample` keeps for one tree of XGBoost 1.7.4's `exact` updater (`grow_colmaker`):
 * per row two mt19937 draws `a, b` give `u = (a + b·2^32) / 2^64`, and the row is kept iff
 * `u < subsample`. The caller draws the column sampler's one value per tree first.
 *
 * @example
 * ```ts
 * const mt = new Mt19937(5);
 * mt.next(); // column sampler of the tree's builder
 * const keep = exactSubsampleMask(mt, 300, Math.fround(0.8));
 * ```
 */
export function exactSubsampleMask(rng: Mt19937, rows: number, subsample: number, out = new Uint8Array(rows)): Uint8Array {
  const threshold = Math.fround(subsample);
  for (let i = 0; i < rows; i++) {
    const a = rng.next();
    const b = rng.next();
    let u = (a + b * TWO_32) / TWO_64;
    if (u >= 1) u = BELOW_ONE;
    out[i] = u < threshold ? 1 : 0;
  }
  return out;
}
