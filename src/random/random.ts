import { InvalidArgumentError } from '../errors.js';

/** A source of uniform floats in `[0, 1)`; every sampler below draws from one. */
export type UniformSource = () => number;

/**
 * Expands a seed into the 128-bit state of {@link xoshiro128ss} with SplitMix32, as the xoshiro
 * authors recommend, so that nearby seeds (0, 1, 2…) give unrelated streams. The seed is any
 * non-negative safe integer; its high bits (above 2^32) are mixed in too.
 *
 * @example
 * ```ts
 * const state = seedState(42); // Uint32Array(4), never all zero
 * ```
 */
export function seedState(seed: number): Uint32Array {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError('seedState', 'seed', seed, 'a non-negative safe integer');
  }
  let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000), 0x632be5ab);
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}

/**
 * One step of xoshiro128** (Blackman & Vigna, 2018): advances `state` in place and returns the
 * next unsigned 32-bit output. Period 2^128 − 1, passes BigCrush, a few integer ops per draw, and
 * identical on every platform because it uses only 32-bit integer arithmetic.
 *
 * @example
 * ```ts
 * const state = seedState(7);
 * xoshiro128ss(state); // an integer in [0, 2^32)
 * ```
 */
export function xoshiro128ss(state: Uint32Array): number {
  const s0 = state[0]!;
  const s1 = state[1]!;
  const s2 = state[2]!;
  const s3 = state[3]!;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  state[1] = s1 ^ n2;
  state[0] = s0 ^ n3;
  state[2] = n2 ^ t;
  state[3] = (n3 << 11) | (n3 >>> 21);
  return result;
}

/**
 * A standard normal draw by the Box–Muller transform (two uniforms per draw; no cached spare, so
 * the number of uniforms used is always the same).
 *
 * @example
 * ```ts
 * sampleNormal(createRandom(1).uniformSource, 100, 15); // an IQ-like value
 * ```
 */
export function sampleNormal(uniform: UniformSource, mean = 0, sd = 1): number {
  const u1 = 1 - uniform(); // (0, 1]: log(0) is never taken
  const u2 = uniform();
  return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * An exponential draw with the given `rate` (mean `1 / rate`) by inversion.
 *
 * @example
 * ```ts
 * sampleExponential(createRandom(1).uniformSource, 0.5); // mean 2
 * ```
 */
export function sampleExponential(uniform: UniformSource, rate = 1): number {
  return -Math.log(1 - uniform()) / rate;
}

/**
 * A lognormal draw: `exp(N(mu, sigma))`. The median is `exp(mu)`, the mean `exp(mu + sigma²/2)`.
 *
 * @example
 * ```ts
 * sampleLognormal(createRandom(1).uniformSource, Math.log(20), 1); // median 20
 * ```
 */
export function sampleLognormal(uniform: UniformSource, mu = 0, sigma = 1): number {
  return Math.exp(sampleNormal(uniform, mu, sigma));
}

/**
 * A Poisson draw with mean `lambda`: Knuth's multiplication method below 30, and Hörmann's
 * transformed rejection (PTRS, 1993) above, so large means cost O(1).
 *
 * @example
 * ```ts
 * samplePoisson(createRandom(1).uniformSource, 4); // 0, 1, 2, … with mean 4
 * ```
 */
export function samplePoisson(uniform: UniformSource, lambda: number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new InvalidArgumentError('samplePoisson', 'lambda', lambda, 'a finite number ≥ 0');
  }
  if (lambda === 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = uniform();
    while (p > limit) {
      k++;
      p *= uniform();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniform() - 0.5;
    const v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k))
      return k;
  }
}

/**
 * An index drawn with probability proportional to `weights[i]` (non-negative, not all zero), by a
 * linear scan: fine for the tens of options a caller typically has. For many draws from the same
 * weights, build a cumulative array once and use {@link sampleCumulative}.
 *
 * @example
 * ```ts
 * sampleWeighted(createRandom(1).uniformSource, [0.7, 0.2, 0.1]); // 0 about 70% of the time
 * ```
 */
export function sampleWeighted(uniform: UniformSource, weights: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new InvalidArgumentError('sampleWeighted', `weights[${i}]`, w, 'a finite number ≥ 0');
    }
    total += w;
  }
  if (!(total > 0))
    throw new InvalidArgumentError(
      'sampleWeighted',
      'weights',
      `${weights.length} weights summing to ${total}`,
      'at least one positive weight',
    );
  let target = uniform() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  // Rounding can leave a tiny remainder: fall back to the last index with a positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return weights.length - 1;
}

/**
 * An index drawn from a cumulative weight array (`cumulative[i]` = sum of weights 0..i, last entry
 * the total) by binary search: O(log n) per draw.
 *
 * @example
 * ```ts
 * const cumulative = Float64Array.from([0.7, 0.9, 1.0]);
 * sampleCumulative(createRandom(1).uniformSource, cumulative); // 0, 1 or 2
 * ```
 */
export function sampleCumulative(uniform: UniformSource, cumulative: ArrayLike<number>): number {
  const n = cumulative.length;
  const target = uniform() * cumulative[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A seeded pseudo-random generator: xoshiro128** seeded through SplitMix32, with the samplers the
 * library needs (uniform, integers, normal, exponential, lognormal, Poisson, Bernoulli, choice by
 * weights, shuffle). The same seed gives the same sequence on every platform and Node version.
 * Randomness in the library comes only from a `Random` built from a caller's `seed`.
 * Not for cryptography.
 *
 * @example
 * ```ts
 * const rng = createRandom(42);
 * rng.next();                          // uniform in [0, 1)
 * rng.int(1, 7);                       // a die roll, 1..6
 * rng.lognormal(Math.log(20), 0.8);    // a human-like gap in seconds
 * rng.choice(['a', 'b'], [0.9, 0.1]);  // 'a' nine times in ten
 * const child = rng.fork('mixed-1');   // an independent stream, stable for this seed and label
 * ```
 */
export class Random {
  /** The seed this generator was created with. */
  readonly seed: number;
  readonly #state: Uint32Array;
  /** This generator's uniform draw as a free-standing function, for code that takes a {@link UniformSource}. */
  readonly uniformSource: UniformSource;

  constructor(seed: number) {
    this.#state = seedState(seed);
    this.seed = seed;
    this.uniformSource = () => this.next();
  }

  /** A uniform float in `[0, 1)` with 32 bits of randomness. */
  next(): number {
    return xoshiro128ss(this.#state) / 0x100000000;
  }

  /** An unsigned 32-bit integer. */
  uint32(): number {
    return xoshiro128ss(this.#state);
  }

  /** A uniform float in `[min, max)`. */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * this.next();
  }

  /** A uniform integer in `[min, maxExclusive)`. */
  int(min: number, maxExclusive: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(maxExclusive) || maxExclusive <= min) {
      throw new InvalidArgumentError(
        'Random.int',
        'range',
        `[${min}, ${maxExclusive})`,
        'integers with min < maxExclusive',
      );
    }
    return min + Math.floor(this.next() * (maxExclusive - min));
  }

  /** `true` with probability `p`. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** A normal draw with the given mean and standard deviation (see {@link sampleNormal}). */
  normal(mean = 0, sd = 1): number {
    return sampleNormal(this.uniformSource, mean, sd);
  }

  /** An exponential draw with the given rate (see {@link sampleExponential}). */
  exponential(rate = 1): number {
    return sampleExponential(this.uniformSource, rate);
  }

  /** A lognormal draw, `exp(N(mu, sigma))` (see {@link sampleLognormal}). */
  lognormal(mu = 0, sigma = 1): number {
    return sampleLognormal(this.uniformSource, mu, sigma);
  }

  /** A Poisson draw with mean `lambda` (see {@link samplePoisson}). */
  poisson(lambda: number): number {
    return samplePoisson(this.uniformSource, lambda);
  }

  /** An index drawn with probability proportional to `weights` (see {@link sampleWeighted}). */
  weightedIndex(weights: ArrayLike<number>): number {
    return sampleWeighted(this.uniformSource, weights);
  }

  /** One of `items`, uniformly or with probability proportional to `weights`. */
  choice<T>(items: readonly T[], weights?: ArrayLike<number>): T {
    if (items.length === 0) throw new InvalidArgumentError('Random.choice', 'items', items, 'a non-empty array');
    if (weights === undefined) return items[Math.floor(this.next() * items.length)]!;
    if (weights.length !== items.length) {
      throw new InvalidArgumentError(
        'Random.choice',
        'weights',
        `${weights.length} weights`,
        `one weight per item (${items.length})`,
      );
    }
    return items[sampleWeighted(this.uniformSource, weights)]!;
  }

  /** Shuffles `values` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    return values;
  }

  /**
   * An independent generator derived from this one's seed and `label` (not from its current
   * position), so adding draws to one part of a program never shifts another part's stream.
   */
  fork(label: string | number): Random {
    return new Random(mixSeed(this.seed, label));
  }
}

/**
 * Creates a {@link Random} from a seed (a non-negative safe integer).
 *
 * @example
 * ```ts
 * const a = createRandom(7), b = createRandom(7);
 * a.next() === b.next(); // true
 * ```
 */
export function createRandom(seed: number): Random {
  return new Random(seed);
}

/**
 * Derives a new seed from a seed and a label with FNV-1a over the label and a final avalanche, for
 * independent, reproducible sub-streams.
 *
 * @example
 * ```ts
 * mixSeed(42, 'known-attacker'); // the same 32-bit seed every time
 * ```
 */
export function mixSeed(seed: number, label: string | number): number {
  let h = (0x811c9dc5 ^ (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000), 0x9e3779b9)) >>> 0;
  const text = String(label);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(64);
  for (let k = 2; k < table.length; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
})();

function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL_TABLE.length) return LOG_FACTORIAL_TABLE[k]!;
  // Stirling's series; its error is below 1e-10 for k ≥ 64.
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}
