import type { EventLog } from '../events/event-log.js';
import {
  type PrefixWeighting,
  type Truncation,
  describeTruncation,
  truncateLog,
  validateTruncation,
} from './truncation.js';

/**
 * Factories of {@link Truncation}s, the user's partial-session experiments: each returns a
 * validated, serialisable spec (`{ kind: 'firstN', n: 10 }`), and {@link Truncators.apply} applies
 * one to a log as offset arithmetic over shared event columns. The edge cases are those of
 * {@link Truncation}: sessions shorter than n are kept whole by `firstN`, `lastN` and `middleN`;
 * `dropPercent(0)` keeps everything, `dropPercent(1)` keeps every session with no events;
 * `firstPercent(p)` keeps at least one event of each non-empty session.
 *
 * @example
 * ```ts
 * const spec = Truncators.compose(Truncators.minLength(10), Truncators.firstN(10));
 * const partial = Truncators.apply(log, spec);   // sessions of ≥ 10 events, cut to their first 10
 * const noisy = Truncators.apply(log, Truncators.dropPercent(0.2, { seed: 7 }));
 * ```
 */
export class Truncators {
  private constructor() {}

  /** The sessions as they are. */
  static none(): Truncation {
    return { kind: 'none' };
  }

  /**
   * Drops `Math.round(p · length)` events of each session, chosen uniformly at random and
   * deterministic per `(seed, session id)`; the kept events stay in order. `p` is a fraction in [0, 1].
   *
   * @example
   * ```ts
   * Truncators.dropPercent(0.2, { seed: 1 }); // { kind: 'dropPercent', p: 0.2, seed: 1 }
   * ```
   */
  static dropPercent(
    p: number,
    { seed = 0 }: { /** Seed of the per-session streams. Default 0. */ seed?: number } = {},
  ): Truncation {
    return checked({ kind: 'dropPercent', p, seed }, 'Truncators.dropPercent');
  }

  /** The first `n` events of each session (n ≥ 1); shorter sessions are kept whole. */
  static firstN(n: number): Truncation {
    return checked({ kind: 'firstN', n }, 'Truncators.firstN');
  }

  /** The last `n` events of each session (n ≥ 1); shorter sessions are kept whole. */
  static lastN(n: number): Truncation {
    return checked({ kind: 'lastN', n }, 'Truncators.lastN');
  }

  /**
   * `n` consecutive events from the middle of each session (n ≥ 1), starting at
   * `floor((length - n) / 2)`; shorter sessions are kept whole.
   */
  static middleN(n: number): Truncation {
    return checked({ kind: 'middleN', n }, 'Truncators.middleN');
  }

  /** The first `max(1, Math.round(p · length))` events of each non-empty session, 0 < p ≤ 1. */
  static firstPercent(p: number): Truncation {
    return checked({ kind: 'firstPercent', p }, 'Truncators.firstPercent');
  }

  /** Drops the sessions with fewer than `n` events (n ≥ 0); the others are untouched. */
  static minLength(n: number): Truncation {
    return checked({ kind: 'minLength', n }, 'Truncators.minLength');
  }

  /** The given truncations one after another (none for an empty list). */
  static compose(...steps: Truncation[]): Truncation {
    return checked({ kind: 'compose', steps }, 'Truncators.compose');
  }

  /**
   * Every prefix of each session as its own row, for models that score sessions while they run:
   * prefix lengths `min..min(max, length)` (defaults `min` 1, `max` 40), the session id repeated on
   * each row, a `prefix_length` column and a `weight` column (`perSession` by default: each of a
   * session's r rows weighs 1/r, so every session weighs 1 in total and long sessions do not
   * dominate; `uniform`: 1 per row). Sessions shorter than `min` give no row. Applied when
   * flattening (`SessionFlattener.flatten(log, { truncation })`, `flattenPrefixes`,
   * `prepareJobs`), never by `truncateLog`; in a `compose` it must be the last step.
   *
   * @example
   * ```ts
   * const spec = Truncators.prefixes({ max: 40 }); // { kind: 'prefixes', min: 1, max: 40, weight: 'perSession' }
   * const rows = flattener.flatten(trainLog, { truncation: spec }); // one row per prefix
   * ```
   */
  static prefixes({
    max = 40,
    min = 1,
    weight = 'perSession',
  }: {
    /** Longest prefix. Default 40. */ max?: number /** Shortest prefix. Default 1. */;
    min?: number /** Row weights. Default 'perSession'. */;
    weight?: PrefixWeighting;
  } = {}): Truncation {
    return checked({ kind: 'prefixes', min, max, weight }, 'Truncators.prefixes');
  }

  /** Applies a truncation to a log (see {@link truncateLog}). */
  static apply(log: EventLog, truncation: Truncation): EventLog {
    return truncateLog(log, truncation);
  }

  /** A short readable name, e.g. `'minLength(10) → firstN(10)'` (see {@link describeTruncation}). */
  static describe(truncation: Truncation): string {
    return describeTruncation(truncation);
  }
}

function checked(truncation: Truncation, where: string): Truncation {
  validateTruncation(truncation, where);
  return truncation;
}
