/**
 * The seeded randomness of session truncations: one small, fast stream per (seed, session id), so a
 * session's random choices do not depend on which other sessions are in the log or their order.
 *
 * The stream is mulberry32 (a 32-bit generator by Tommy Ettinger, 2017) seeded with a hash of the
 * session id (32-bit FNV-1a over UTF-16 code units) mixed with the seed (MurmurHash3's `fmix32`
 * finaliser over the seed's low and high 32 bits).
 *
 * @example
 * ```ts
 * const next = sessionStream(7, 'S-1042');
 * next(); // a number in [0, 1), the same every time for seed 7 and session "S-1042"
 * ```
 */
export function sessionStream(seed: number, sessionId: string): () => number {
  let state = sessionSeed(seed, sessionId);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The 32-bit starting state of a session's stream (see {@link sessionStream}).
 *
 * @example
 * ```ts
 * sessionSeed(0, 'a') === sessionSeed(0, 'a'); // true
 * sessionSeed(0, 'a') === sessionSeed(1, 'a'); // false (almost surely)
 * ```
 */
export function sessionSeed(seed: number, sessionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) hash = Math.imul(hash ^ sessionId.charCodeAt(i), 0x01000193);
  const low = seed >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return fmix32(hash ^ fmix32(low ^ fmix32(high + 0x9e3779b9)));
}

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers that spreads every input bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
