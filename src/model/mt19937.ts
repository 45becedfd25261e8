/**
 * `std::mt19937`, the 32-bit Mersenne Twister (Matsumoto & Nishimura, 1998) exactly as the C++
 * standard library defines it: XGBoost 1.7.4's `common::GlobalRandom()` is one, seeded with the
 * `seed` parameter, and its draws decide which rows `subsample` keeps.
 *
 * @example
 * ```ts
 * const mt = new Mt19937(5489);
 * mt.next(); // 3499211612, the first output of a default-constructed std::mt19937
 * ```
 */
export class Mt19937 {
  readonly #state = new Uint32Array(624);
  #index = 624;

  /** Seeds as `std::mt19937(seed)`: the seed is taken modulo 2^32. */
  constructor(seed: number) {
    this.seed(seed);
  }

  /** Reseeds as `std::mt19937::seed(seed)`: the same state a new generator with this seed has. */
  seed(seed: number): void {
    const mt = this.#state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.#index = 624;
  }

  /** The next unsigned 32-bit output. */
  next(): number {
    if (this.#index >= 624) this.#twist();
    let y = this.#state[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Advances the generator by `n` outputs, as `discard(n)`. */
  discard(n: number): void {
    for (let i = 0; i < n; i++) this.next();
  }

  #twist(): void {
    const mt = this.#state;
    // The recurrence split at the wrap-arounds of i + 1 and i + 397, so no modulo in the loops.
    let i = 0;
    for (; i < 227; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[i + 1]! & 0x7fffffff);
      mt[i] = mt[i + 397]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    for (; i < 623; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[i + 1]! & 0x7fffffff);
      mt[i] = mt[i - 227]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    const y = (mt[623]! & 0x80000000) | (mt[0]! & 0x7fffffff);
    mt[623] = mt[396]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    this.#index = 0;
  }
}
