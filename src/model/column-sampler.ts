/**
 * Column sampling (`colsample_bytree`, `colsample_bylevel`, `colsample_bynode`) with XGBoost
 * 1.7.4's own random stream: `common::ColumnSampler` (src/common/random.h, random.cc) without
 * feature weights, on `std::mt19937`, `std::shuffle` and `std::uniform_int_distribution` exactly as
 * libstdc++ 12 implements them (the library Debian's python3-xgboost 1.7.4 is built against).
 */
import { Mt19937 } from './mt19937.js';

const TWO_32 = 4294967296;
/** `mt19937::max() - mt19937::min()`. */
const URNG_RANGE = 4294967295;

/**
 * `std::uniform_int_distribution<unsigned long>{0, range − 1}(rng)` as libstdc++ 12 draws it from a
 * 32-bit generator: Lemire's nearly divisionless method (`_S_nd<uint64_t>`): the high word of the
 * 64-bit product `x·range`, redrawing while its low word is below `2^32 mod range`. `range` is in
 * [1, 2^32).
 *
 * @example
 * ```ts
 * const rng = new Mt19937(7);
 * uniformIntBelow(rng, 6); // 0..5
 * ```
 */
export function uniformIntBelow(rng: Mt19937, range: number): number {
  // The 64-bit product from 16-bit halves of the range, every partial product exact in a double.
  const rl = range % 65536;
  const rh = (range - rl) / 65536;
  let x = rng.next();
  let b = x * rh;
  let bl = b % 65536;
  let c = bl * 65536 + x * rl;
  let carry = Math.floor(c / TWO_32);
  let low = c - carry * TWO_32;
  let high = (b - bl) / 65536 + carry;
  if (low < range) {
    const threshold = (TWO_32 - range) % range;
    while (low < threshold) {
      x = rng.next();
      b = x * rh;
      bl = b % 65536;
      c = bl * 65536 + x * rl;
      carry = Math.floor(c / TWO_32);
      low = c - carry * TWO_32;
      high = (b - bl) / 65536 + carry;
    }
  }
  return high;
}

/**
 * `std::shuffle(values.begin(), values.end(), rng)` as libstdc++ 12 does it: when n² fits the
 * generator's range, one draw gives two swap positions (`__gen_two_uniform_ints`), after a single
 * first swap when n is even; otherwise one draw per position. In place.
 *
 * @example
 * ```ts
 * const v = Uint32Array.of(0, 1, 2, 3, 4);
 * stdShuffle(v, new Mt19937(0)); // v is [2, 4, 3, 0, 1], as g++ 12 shuffles it
 * ```
 */
export function stdShuffle(values: Uint32Array, rng: Mt19937): void {
  const n = values.length;
  if (n === 0) return;
  const swap = (i: number, j: number) => {
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  };
  if (Math.floor(URNG_RANGE / n) >= n) {
    let i = 1;
    if (n % 2 === 0) {
      swap(i, uniformIntBelow(rng, 2));
      i++;
    }
    while (i !== n) {
      const b0 = i + 1;
      const b1 = b0 + 1;
      const x = uniformIntBelow(rng, b0 * b1);
      const first = Math.floor(x / b1);
      swap(i, first);
      swap(i + 1, x - first * b1);
      i += 2;
    }
    return;
  }
  for (let i = 1; i < n; i++) swap(i, uniformIntBelow(rng, i + 1));
}

/**
 * XGBoost's `ColumnSampler::ColSample`: with `colsample` < 1 (float32), a copy of `features`
 * shuffled, cut to `max(1, ⌊fround(colsample·n)⌋)` and sorted; with 1, `features` itself, no draw.
 *
 * @example
 * ```ts
 * colSample(Uint32Array.of(0, 1, 2, 3, 4), Math.fround(0.8), new Mt19937(3)); // 4 sorted feature ids
 * ```
 */
export function colSample(features: Uint32Array, colsample: number, rng: Mt19937): Uint32Array {
  if (colsample === 1) return features;
  const n = Math.max(1, Math.trunc(Math.fround(colsample * features.length)));
  const out = features.slice();
  stdShuffle(out, rng);
  return out.subarray(0, n).sort();
}

/**
 * XGBoost 1.7.4's `common::ColumnSampler` without feature weights: its own `std::mt19937` seeded
 * with one draw of the global generator (the caller draws it); {@link init} samples the tree's
 * features (`colsample_bytree`); {@link featureSet} gives a node's features, sampling a level the
 * first time its depth is asked for (`colsample_bylevel`) and a fresh subset of it at every call
 * when `colsample_bynode` < 1. The `exact` updater makes one per tree and asks once per depth; the
 * `hist` updater keeps one for the whole run and asks once per node it evaluates.
 *
 * @example
 * ```ts
 * const sampler = new ColumnSampler(globalRng.next());
 * sampler.init(columns, p.colsampleBynode, p.colsampleBylevel, p.colsampleBytree);
 * const features = sampler.featureSet(depth); // sorted feature ids
 * ```
 */
export class ColumnSampler {
  readonly #rng: Mt19937;
  #tree: Uint32Array = new Uint32Array(0);
  readonly #levels = new Map<number, Uint32Array>();
  #bynode = 1;
  #bylevel = 1;
  #bytree = 1;

  /** `seed`: the 32-bit draw of the global generator XGBoost seeds the sampler with. */
  constructor(seed: number) {
    this.#rng = new Mt19937(seed);
  }

  /** Whether any of the three ratios is below 1 (otherwise every node gets every feature). */
  get samples(): boolean {
    return this.#bynode !== 1 || this.#bylevel !== 1 || this.#bytree !== 1;
  }

  /** Starts a tree over `columns` features: forgets the levels and samples the tree's features. */
  init(columns: number, bynode: number, bylevel: number, bytree: number): void {
    this.#bynode = bynode;
    this.#bylevel = bylevel;
    this.#bytree = bytree;
    this.#levels.clear();
    const all = new Uint32Array(columns);
    for (let f = 0; f < columns; f++) all[f] = f;
    this.#tree = colSample(all, bytree, this.#rng);
  }

  /** The features a node at `depth` may split on, sorted (see {@link ColumnSampler}). */
  featureSet(depth: number): Uint32Array {
    if (this.#bylevel === 1 && this.#bynode === 1) return this.#tree;
    let level = this.#levels.get(depth);
    if (level === undefined) {
      level = colSample(this.#tree, this.#bylevel, this.#rng);
      this.#levels.set(depth, level);
    }
    if (this.#bynode === 1) return level;
    return colSample(level, this.#bynode, this.#rng);
  }
}
