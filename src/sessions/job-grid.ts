import { InvalidArgumentError } from '../errors.js';
import type { Truncation } from './truncation.js';
import { Truncators } from './truncators.js';

/** One experiment job: a name and the truncation applied to its training (and test) sessions. */
export interface Job {
  readonly name: string;
  readonly truncation: Truncation;
}

/**
 * The six variants of the user's original experiment, in its order.
 *
 * @example
 * ```ts
 * const original = standardJobs({ seed: 7, names: ORIGINAL_JOB_NAMES }); // drop0, drop20, first5, …
 * ```
 */
export const ORIGINAL_JOB_NAMES = ['drop0', 'drop20', 'first5', 'first10', 'last5', 'last10'] as const;

/**
 * The standard job grid: the user's six variants and the ones they planned. `dropNN` drops NN% of
 * each session's events at random (seeded), `firstN` / `lastN` / `middleN` keep N events,
 * `firstPctNN` the first NN% of each session, `minAfirstN` only sessions of at least A events cut
 * to their first N.
 *
 * | name | truncation |
 * |---|---|
 * | drop0 | none (whole sessions) |
 * | drop20, drop40, drop60 | dropPercent(0.2 / 0.4 / 0.6, { seed }) |
 * | first5, first10, first20 | firstN(5 / 10 / 20) |
 * | last5, last10, last20 | lastN(5 / 10 / 20) |
 * | middle10 | middleN(10) |
 * | firstPct25, firstPct50 | firstPercent(0.25 / 0.5) |
 * | min10first10, min10last10 | minLength(10) then firstN(10) / lastN(10) |
 *
 * `names` picks jobs (in the order given; an unknown name is an error); `seed` (default 0) seeds
 * the dropPercent jobs.
 *
 * @example
 * ```ts
 * standardJobs({ names: ['drop0', 'first10'] });
 * // [{ name: 'drop0', truncation: { kind: 'none' } }, { name: 'first10', truncation: { kind: 'firstN', n: 10 } }]
 * ```
 */
export function standardJobs({ seed = 0, names }: { seed?: number; names?: readonly string[] } = {}): Job[] {
  const all: Job[] = [
    { name: 'drop0', truncation: Truncators.none() },
    { name: 'drop20', truncation: Truncators.dropPercent(0.2, { seed }) },
    { name: 'drop40', truncation: Truncators.dropPercent(0.4, { seed }) },
    { name: 'drop60', truncation: Truncators.dropPercent(0.6, { seed }) },
    { name: 'first5', truncation: Truncators.firstN(5) },
    { name: 'first10', truncation: Truncators.firstN(10) },
    { name: 'first20', truncation: Truncators.firstN(20) },
    { name: 'last5', truncation: Truncators.lastN(5) },
    { name: 'last10', truncation: Truncators.lastN(10) },
    { name: 'last20', truncation: Truncators.lastN(20) },
    { name: 'middle10', truncation: Truncators.middleN(10) },
    { name: 'firstPct25', truncation: Truncators.firstPercent(0.25) },
    { name: 'firstPct50', truncation: Truncators.firstPercent(0.5) },
    { name: 'min10first10', truncation: Truncators.compose(Truncators.minLength(10), Truncators.firstN(10)) },
    { name: 'min10last10', truncation: Truncators.compose(Truncators.minLength(10), Truncators.lastN(10)) },
  ];
  if (names === undefined) return all;
  const byName = new Map(all.map((job) => [job.name, job]));
  return names.map((name, i) => {
    const job = byName.get(name);
    if (job === undefined)
      throw new InvalidArgumentError('standardJobs', `names[${i}]`, name, `one of ${[...byName.keys()].join(', ')}`);
    return job;
  });
}

/**
 * The standard job grid with seed 0 (see {@link standardJobs}).
 *
 * @example
 * ```ts
 * JOB_GRID.map((job) => job.name); // ['drop0', 'drop20', 'drop40', …]
 * ```
 */
export const JOB_GRID: readonly Job[] = Object.freeze(standardJobs());
