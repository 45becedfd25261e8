import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import { selectSessions } from './select-sessions.js';
import { xoshiro128ss } from '../random/random.js';
import { sessionState } from './session-random.js';

/**
 * A truncation of every session of a log, as plain serialisable data (it travels with an experiment
 * job). Build one with the {@link Truncators} factories, which validate it; apply it with
 * {@link truncateLog}. Every kind works on each session's time-ordered events and keeps their order.
 *
 * - `none`: the sessions as they are.
 * - `dropPercent`: drop `Math.round(p · length)` events of each session (half rounds up: p = 0.5 of 5
 *   events drops 3), chosen uniformly at random by a stream seeded from `(seed, session id)`, so a
 *   session loses the same events whatever else is in the log. `p = 0` keeps everything; `p = 1`
 *   empties every session (sessions are kept, with no events; see `minLength` to drop them).
 * - `firstN` / `lastN`: the first / last `n` events; shorter sessions are kept whole.
 * - `middleN`: `n` consecutive events from the middle, starting at `floor((length - n) / 2)` (when
 *   the rest is odd, the extra event is left at the end); shorter sessions are kept whole.
 * - `firstPercent`: the first `max(1, Math.round(p · length))` events of each non-empty session
 *   (0 < p ≤ 1), so every non-empty session keeps at least one event.
 * - `minLength`: drops sessions with fewer than `n` events (the only kind that removes sessions).
 * - `compose`: the steps in order, e.g. `minLength(10)` then `firstN(10)`.
 * - `prefixes`: every prefix of each session, lengths `min..min(max, length)`, each its own row (see
 *   {@link PrefixesTruncation}). It expands one session into many rows, so it is applied when
 *   flattening (`SessionFlattener.flatten(log, { truncation })`, `flattenPrefixes`, `prepareJobs`),
 *   not by {@link truncateLog}; in a `compose` it may only be the last step.
 */
export type Truncation =
  | { readonly kind: 'none' }
  | { readonly kind: 'dropPercent'; readonly p: number; readonly seed: number }
  | { readonly kind: 'firstN'; readonly n: number }
  | { readonly kind: 'lastN'; readonly n: number }
  | { readonly kind: 'middleN'; readonly n: number }
  | { readonly kind: 'firstPercent'; readonly p: number }
  | { readonly kind: 'minLength'; readonly n: number }
  | { readonly kind: 'compose'; readonly steps: readonly Truncation[] }
  | PrefixesTruncation;

/**
 * How the rows of one session's prefixes are weighted (the `weight` column of a prefix frame):
 *
 * - `perSession` (the default): each of a session's `r` prefix rows weighs `1 / r`, so every
 *   session weighs 1 in total, as it does in whole-session training. Without it a 40-event session
 *   would count 40 times as much as a 1-event one, and the model would learn mostly from the few
 *   long sessions (long bulk harvests, librarians) instead of the typical short session.
 * - `uniform`: every row weighs 1 (long sessions dominate, in proportion to their prefix count).
 */
export type PrefixWeighting = 'perSession' | 'uniform';

/**
 * The `prefixes` truncation: for each session of `length` events, one row per prefix length
 * `k = min..min(max, length)` (sessions shorter than `min` give no row), weighted as `weight` says.
 * Build it with `Truncators.prefixes({ max, min, weight })`.
 */
export interface PrefixesTruncation {
  readonly kind: 'prefixes';
  /** Shortest prefix, ≥ 1. */
  readonly min: number;
  /** Longest prefix, ≥ min. */
  readonly max: number;
  /** Row weights (see {@link PrefixWeighting}). */
  readonly weight: PrefixWeighting;
}

/** The kinds of {@link Truncation}. */
export type TruncationKind = Truncation['kind'];

/**
 * Applies a truncation to every session of a log. The result shares the log's event columns and
 * holds only new offsets and a new `eventIndex` (physical event ids); nothing is copied. Only
 * `minLength` changes the set of sessions (and their ids and labels).
 *
 * @example
 * ```ts
 * const firstTen = truncateLog(log, { kind: 'firstN', n: 10 });
 * firstTen.sessionCount === log.sessionCount; // true
 * firstTen.sessionLength(0) <= 10;            // true
 * ```
 */
export function truncateLog(log: EventLog, truncation: Truncation): EventLog {
  validateTruncation(truncation);
  if (splitPrefixes(truncation).prefixes !== null) {
    throw new InvalidArgumentError(
      'truncateLog',
      'truncation',
      describeTruncation(truncation),
      'a truncation that keeps one row per session (prefixes expands each session into rows when flattening: use SessionFlattener.flatten(log, { truncation }), flattenPrefixes or prepareJobs)',
    );
  }
  return apply(log, truncation);
}

/**
 * Splits a truncation into the part that {@link truncateLog} applies (`before`) and the trailing
 * `prefixes` step applied when flattening (`null` when there is none). The truncation is validated.
 *
 * @example
 * ```ts
 * splitPrefixes(Truncators.compose(Truncators.minLength(2), Truncators.prefixes({ max: 40 })));
 * // { before: { kind: 'compose', steps: [{ kind: 'minLength', n: 2 }] }, prefixes: { kind: 'prefixes', min: 1, max: 40, weight: 'perSession' } }
 * ```
 */
export function splitPrefixes(truncation: Truncation): {
  readonly before: Truncation;
  readonly prefixes: PrefixesTruncation | null;
} {
  validateTruncation(truncation);
  if (truncation.kind === 'prefixes') return { before: { kind: 'none' }, prefixes: truncation };
  if (truncation.kind === 'compose') {
    const last = truncation.steps[truncation.steps.length - 1];
    if (last !== undefined && last.kind === 'prefixes')
      return { before: { kind: 'compose', steps: truncation.steps.slice(0, -1) }, prefixes: last };
  }
  return { before: truncation, prefixes: null };
}

function apply(log: EventLog, t: Truncation): EventLog {
  switch (t.kind) {
    case 'none':
      return log;
    case 'compose':
      return t.steps.reduce(apply, log);
    case 'minLength':
      return keepLongSessions(log, t.n);
    case 'dropPercent':
      return dropPercent(log, t.p, t.seed);
    case 'firstN':
      return window(
        log,
        () => 0,
        (len) => Math.min(len, t.n),
      );
    case 'lastN':
      return window(
        log,
        (len) => Math.max(0, len - t.n),
        (len) => len,
      );
    case 'middleN':
      return window(
        log,
        (len) => (len <= t.n ? 0 : Math.floor((len - t.n) / 2)),
        (len) => (len <= t.n ? len : Math.floor((len - t.n) / 2) + t.n),
      );
    case 'firstPercent':
      return window(
        log,
        () => 0,
        (len) => (len === 0 ? 0 : Math.min(len, Math.max(1, Math.round(t.p * len)))),
      );
    case 'prefixes':
      // Unreachable: truncateLog rejects prefixes before applying.
      throw new InvalidArgumentError('truncateLog', 'truncation.kind', t.kind, 'a kind that keeps one row per session');
  }
}

/** Keeps positions `start(len)..end(len)` of each session (relative to its first position). */
function window(log: EventLog, start: (len: number) => number, end: (len: number) => number): EventLog {
  const sessions = log.sessionCount;
  const source = log.offsets;
  const offsets = keptOffsets(log, (len) => end(len) - start(len));
  const index = new Uint32Array(offsets[sessions]!);
  const old = log.eventIndex;
  let at = 0;
  for (let s = 0; s < sessions; s++) {
    const first = source[s]!;
    const len = source[s + 1]! - first;
    const to = first + end(len);
    for (let p = first + start(len); p < to; p++) index[at++] = old === null ? p : old[p]!;
  }
  return log.withSessions({ sessionIds: log.sessionIds, labels: log.labels, offsets, eventIndex: index });
}

/** The offsets of the same sessions when each keeps `kept(length)` of its events. */
function keptOffsets(log: EventLog, kept: (len: number) => number): Uint32Array {
  const sessions = log.sessionCount;
  const source = log.offsets;
  const offsets = new Uint32Array(sessions + 1);
  for (let s = 0; s < sessions; s++) offsets[s + 1] = offsets[s]! + kept(source[s + 1]! - source[s]!);
  return offsets;
}

function dropPercent(log: EventLog, p: number, seed: number): EventLog {
  if (p === 0) return log;
  const sessions = log.sessionCount;
  const source = log.offsets;
  const offsets = keptOffsets(log, (len) => len - Math.round(p * len));
  const index = new Uint32Array(offsets[sessions]!);
  const old = log.eventIndex;
  let at = 0;
  for (let s = 0; s < sessions; s++) {
    const first = source[s]!;
    const len = source[s + 1]! - first;
    let toDrop = Math.round(p * len);
    if (toDrop === 0) {
      for (let pos = first; pos < first + len; pos++) index[at++] = old === null ? pos : old[pos]!;
      continue;
    }
    // Selection sampling (Knuth's Algorithm S): each event is dropped with probability
    // (still to drop) / (still to see), which picks a uniform random subset in one ordered pass.
    const state = sessionState(seed, log.sessionIds[s]!);
    for (let i = 0; i < len; i++) {
      if (toDrop > 0 && (xoshiro128ss(state) / 0x100000000) * (len - i) < toDrop) {
        toDrop--;
      } else {
        const pos = first + i;
        index[at++] = old === null ? pos : old[pos]!;
      }
    }
  }
  return log.withSessions({ sessionIds: log.sessionIds, labels: log.labels, offsets, eventIndex: index });
}

function keepLongSessions(log: EventLog, n: number): EventLog {
  const kept: number[] = [];
  for (let s = 0; s < log.sessionCount; s++) if (log.sessionLength(s) >= n) kept.push(s);
  return kept.length === log.sessionCount ? log : selectSessions(log, kept);
}

/**
 * Checks a truncation (also one read from JSON or YAML) and throws an {@link InvalidArgumentError}
 * naming the field, the value and what was expected.
 *
 * @example
 * ```ts
 * validateTruncation({ kind: 'firstN', n: 0 }); // InvalidArgumentError: truncation: n must be an integer ≥ 1, got 0
 * ```
 */
export function validateTruncation(truncation: Truncation, where = 'truncation'): void {
  check(truncation, where, true);
}

function check(truncation: Truncation, where: string, last: boolean): void {
  const t = truncation as Truncation | null | undefined;
  if (typeof t !== 'object' || t === null)
    throw new InvalidArgumentError(where, 'truncation', t, 'an object with a kind');
  switch (t.kind) {
    case 'none':
      return;
    case 'firstN':
    case 'lastN':
    case 'middleN':
      checkInteger(where, `${t.kind}.n`, t.n, 1);
      return;
    case 'minLength':
      checkInteger(where, 'minLength.n', t.n, 0);
      return;
    case 'dropPercent':
      checkFraction(where, 'dropPercent.p', t.p, true);
      if (!Number.isSafeInteger(t.seed) || t.seed < 0)
        throw new InvalidArgumentError(where, 'dropPercent.seed', t.seed, 'a non-negative safe integer');
      return;
    case 'firstPercent':
      checkFraction(where, 'firstPercent.p', t.p, false);
      return;
    case 'compose':
      if (!Array.isArray(t.steps))
        throw new InvalidArgumentError(where, 'compose.steps', t.steps, 'an array of truncations');
      t.steps.forEach((step, i) => check(step, `${where}.steps[${i}]`, last && i === t.steps.length - 1));
      return;
    case 'prefixes':
      if (!last)
        throw new InvalidArgumentError(
          where,
          'prefixes',
          'a step before others',
          'the last step of a compose (it expands sessions into rows when flattening)',
        );
      checkInteger(where, 'prefixes.min', t.min, 1);
      checkInteger(where, 'prefixes.max', t.max, typeof t.min === 'number' ? t.min : 1);
      if (t.weight !== 'perSession' && t.weight !== 'uniform')
        throw new InvalidArgumentError(where, 'prefixes.weight', t.weight, "'perSession' or 'uniform'");
      return;
    default:
      throw new InvalidArgumentError(
        where,
        'kind',
        (t as { kind?: unknown }).kind,
        'one of none, dropPercent, firstN, lastN, middleN, firstPercent, minLength, compose, prefixes',
      );
  }
}

function checkInteger(where: string, argument: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(where, argument, value, `an integer ≥ ${min}`);
  }
}

function checkFraction(where: string, argument: string, value: unknown, zeroAllowed: boolean): void {
  if (typeof value !== 'number' || !(zeroAllowed ? value >= 0 : value > 0) || !(value <= 1)) {
    throw new InvalidArgumentError(
      where,
      argument,
      value,
      `a fraction in ${zeroAllowed ? '[0, 1]' : '(0, 1]'} (0.2 means 20%)`,
    );
  }
}

/**
 * A short readable name of a truncation, for reports and logs.
 *
 * @example
 * ```ts
 * describeTruncation({ kind: 'compose', steps: [{ kind: 'minLength', n: 10 }, { kind: 'firstN', n: 10 }] });
 * // 'minLength(10) → firstN(10)'
 * ```
 */
export function describeTruncation(truncation: Truncation): string {
  switch (truncation.kind) {
    case 'none':
      return 'none';
    case 'dropPercent':
      return `dropPercent(${truncation.p}, seed ${truncation.seed})`;
    case 'firstPercent':
      return `firstPercent(${truncation.p})`;
    case 'compose':
      return truncation.steps.length === 0 ? 'none' : truncation.steps.map(describeTruncation).join(' → ');
    case 'prefixes':
      return `prefixes(${truncation.min}..${truncation.max}${truncation.weight === 'perSession' ? '' : `, ${truncation.weight}`})`;
    default:
      return `${truncation.kind}(${truncation.n})`;
  }
}
