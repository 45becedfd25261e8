import { mixSeed, seedState, xoshiro128ss } from '../random/random.js';

/**
 * The seeded randomness of session truncations: one stream per (seed, session id), so a session's
 * random choices do not depend on which other sessions are in the log or their order (truncating a
 * subset of sessions gives each the same events). It is the project's generator (xoshiro128**,
 * `src/random/random.ts`) seeded with `mixSeed(seed, sessionId)`.
 *
 * @example
 * ```ts
 * const next = sessionStream(7, 'S-1042');
 * next(); // a number in [0, 1), the same every time for seed 7 and session "S-1042"
 * ```
 */
export function sessionStream(seed: number, sessionId: string): () => number {
  const state = sessionState(seed, sessionId);
  return () => xoshiro128ss(state) / 0x100000000;
}

/**
 * The generator state behind {@link sessionStream}, for hot loops that draw with
 * `xoshiro128ss(state) / 2^32` directly instead of through a closure.
 *
 * @example
 * ```ts
 * const state = sessionState(7, 'S-1042');
 * xoshiro128ss(state) / 0x100000000 === sessionStream(7, 'S-1042')(); // true
 * ```
 */
export function sessionState(seed: number, sessionId: string): Uint32Array {
  return seedState(mixSeed(seed, sessionId));
}
