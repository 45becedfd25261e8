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
export function histSubsampleMask(
  initialSeed: number,
  rows: number,
  subsample: number,
  out = new Uint8Array(rows),
): Uint8Array {
  const kept = new Uint32Array(rows);
  const count = histSampledRows(initialSeed, rows, subsample, kept);
  out.fill(0);
  for (let i = 0; i < count; i++) out[kept[i]!] = 1;
  return out;
}

/**
 * The same draw as {@link histSubsampleMask}, written as the kept row ids in increasing order
 * into `out` (and, given `rest`, the other rows in increasing order into `rest`); returns how many
 * rows are kept. The `hist` grower partitions exactly these rows.
 *
 * @example
 * ```ts
 * const rows = new Uint32Array(n);
 * const kept = histSampledRows(mt.next(), n, Math.fround(0.7), rows); // rows[0..kept) are sampled
 * ```
 */
export function histSampledRows(
  initialSeed: number,
  rows: number,
  subsample: number,
  out: Uint32Array,
  rest?: Uint32Array,
): number {
  // seed mod 2^63 of a 32-bit value is itself; the engine replaces 0 by 1.
  const seed = initialSeed >>> 0 || 1;
  // The 63-bit state as hi (31 bits) and two 16-bit limbs, so every step is int32 arithmetic.
  let hi = 0;
  let l0 = seed & 0xffff;
  let l1 = seed >>> 16;
  const threshold = Math.fround(subsample);
  // u = (x − 1)/2^63 (exact scaling of the one-rounding uint64 → double conversion), clamped below
  // 1; u < threshold ⇔ (x − 1) < threshold·2^63 when threshold < 1, and always when it is ≥ 1.
  const limit = threshold >= 1 ? Infinity : threshold * TWO_63;
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const p0 = l0 * 16807; // < 2^31
    l0 = p0 & 0xffff;
    const p1 = l1 * 16807 + (p0 >>> 16); // < 2^31
    l1 = p1 & 0xffff;
    hi = (Math.imul(hi, 16807) + (p1 >>> 16)) & 0x7fffffff; // mod 2^31
    const lo = l1 * 65536 + l0;
    const xm1 = lo === 0 ? (hi - 1) * TWO_32 + (TWO_32 - 1) : hi * TWO_32 + (lo - 1);
    // Branch-free: write the row to both lists, keep it in one by advancing that one's count
    // (count ≤ i and i − count ≤ i, so the writes stay in range).
    out[count] = i;
    if (rest !== undefined) rest[i - count] = i;
    count += +(xm1 < limit);
  }
  return count;
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
export function exactSubsampleMask(
  rng: Mt19937,
  rows: number,
  subsample: number,
  out = new Uint8Array(rows),
): Uint8Array {
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
