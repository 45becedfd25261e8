import { InvalidArgumentError } from '../errors.js';
import type { StringColumn } from '../frame/column.js';
import { EventLog, type SkippedRows } from './event-log.js';

/** Events in any order, as {@link buildEventLog} takes them: one entry per event in each array. */
export interface EventColumns {
  /** Session code per event, indexing `sessionIds`. */
  readonly sessions: Int32Array;
  /** Session id per session code. Every session must have at least one event. */
  readonly sessionIds: readonly string[];
  /** Label per session code (1 attacker, 0 innocent). */
  readonly labels: Uint8Array;
  /** Action code per event, indexing `actionDictionary`. */
  readonly actions: Int32Array;
  readonly actionDictionary: readonly string[];
  /** Epoch milliseconds per event, or `null`. */
  readonly times?: Float64Array | null;
  /** The key to order events by within a session; defaults to `times`; `null` keeps input order. */
  readonly sortKeys?: Float64Array | null;
  /** Source index per event (default all 0) and the sources' names (default `['<memory>']`). */
  readonly sources?: Uint16Array;
  readonly sourceNames?: readonly string[];
  /** Extra per-event string columns. */
  readonly extras?: Readonly<Record<string, StringColumn>>;
  /**
   * Per session code, 1 when its events may be out of order by the sort key; sessions marked 0 are
   * trusted to be in order already and not checked. A reader that tracks order as it goes passes
   * this to save a pass; by default every session is checked.
   */
  readonly unsortedSessions?: Uint8Array;
  /**
   * Per event, its index among its session's events in input order (0 for the session's first),
   * with `sessionLengths`, the events of each session: a reader that counts as it goes passes both
   * to save the counting passes. Positions are checked to fall within their session.
   */
  readonly eventRanks?: Uint32Array;
  readonly sessionLengths?: Uint32Array;
  /** What was skipped while reading, carried into the log. */
  readonly skipped?: SkippedRows;
  /** Fields whose invalid UTF-8 the reader replaced, carried into the log. */
  readonly replacedText?: number;
}

/**
 * The `skipped` value of a log from which nothing was skipped.
 *
 * @example
 * ```ts
 * log.skipped.total === NOTHING_SKIPPED.total; // true when the read was clean
 * ```
 */
export const NOTHING_SKIPPED: SkippedRows = Object.freeze({
  total: 0,
  byReason: Object.freeze({}),
  examples: Object.freeze([]),
});

/**
 * Assembles an {@link EventLog} from events in any order: events are grouped by session (sessions
 * in code order), ordered within a session by `sortKeys` (default `times`) with a stable sort, so
 * ties keep input order, and copied into compact columns in that order (`eventIndex` is `null`).
 * A counting sort groups sessions in O(n); only sessions whose events are out of order are sorted.
 * When the input is already in that order, its arrays are used as they are (not copied).
 *
 * @example
 * ```ts
 * const log = buildEventLog({
 *   sessions: new Int32Array([1, 0, 1]), sessionIds: ['a', 'b'], labels: new Uint8Array([0, 1]),
 *   actions: new Int32Array([0, 1, 1]), actionDictionary: ['111', '201'],
 *   times: new Float64Array([20, 5, 10]),
 * });
 * log.offsets;         // Uint32Array [0, 1, 3]  (a: 1 event, b: 2 events)
 * log.actionAt(1);     // '201'  (b's event at time 10 comes before time 20)
 * ```
 */
export function buildEventLog(columns: EventColumns): EventLog {
  const {
    sessions,
    sessionIds,
    labels,
    actions,
    actionDictionary,
    times = null,
    extras = {},
    skipped = NOTHING_SKIPPED,
    replacedText = 0,
  } = columns;
  const sortKeys = columns.sortKeys === undefined ? times : columns.sortKeys;
  const n = sessions.length;
  const sessionCount = sessionIds.length;
  const sources = columns.sources ?? new Uint16Array(n);
  const sourceNames = columns.sourceNames ?? ['<memory>'];
  const check = (name: string, length: number, expected: number): void => {
    if (length !== expected)
      throw new InvalidArgumentError('buildEventLog', name, `${length} entries`, `${expected} entries`);
  };
  check('labels', labels.length, sessionCount);
  check('actions', actions.length, n);
  check('sources', sources.length, n);
  if (times !== null) check('times', times.length, n);
  if (sortKeys !== null) check('sortKeys', sortKeys.length, n);
  for (const [name, column] of Object.entries(extras)) check(`extras.${name}`, column.codes.length, n);

  const offsets = new Uint32Array(sessionCount + 1);
  const ranks = columns.eventRanks;
  const lengths = columns.sessionLengths;
  if (ranks !== undefined && lengths !== undefined) {
    check('eventRanks', ranks.length, n);
    check('sessionLengths', lengths.length, sessionCount);
    offsets.set(lengths, 1);
  } else {
    for (let e = 0; e < n; e++) {
      const s = sessions[e]!;
      if (!(s >= 0 && s < sessionCount))
        throw new InvalidArgumentError('buildEventLog', `sessions[${e}]`, s, `a session code in [0, ${sessionCount})`);
      offsets[s + 1]!++;
    }
  }
  for (let s = 0; s < sessionCount; s++) {
    if (offsets[s + 1] === 0)
      throw new InvalidArgumentError(
        'buildEventLog',
        'sessionIds',
        sessionIds[s],
        'sessions that each have at least one event',
      );
    offsets[s + 1]! += offsets[s]!;
  }
  if (offsets[sessionCount] !== n)
    throw new InvalidArgumentError('buildEventLog', 'sessionLengths', `${offsets[sessionCount]} events`, `${n} events`);
  // Each event's position in the result: sessions in code order, events of a session in input order.
  const position = new Uint32Array(n);
  let identity = true;
  if (ranks !== undefined && lengths !== undefined) {
    for (let e = 0; e < n; e++) {
      const s = sessions[e]!;
      if (!(s >= 0 && s < sessionCount))
        throw new InvalidArgumentError('buildEventLog', `sessions[${e}]`, s, `a session code in [0, ${sessionCount})`);
      const p = offsets[s]! + ranks[e]!;
      if (p >= offsets[s + 1]!)
        throw new InvalidArgumentError('buildEventLog', `eventRanks[${e}]`, ranks[e], `below ${lengths[s]}`);
      position[e] = p;
      if (p !== e) identity = false;
    }
  } else {
    const cursor = offsets.slice(0, sessionCount);
    for (let e = 0; e < n; e++) {
      const p = cursor[sessions[e]!]!++;
      position[e] = p;
      if (p !== e) identity = false;
    }
  }

  // Sessions whose events are out of order by the sort key, checked on the keys in result order.
  const toSort: number[] = [];
  let keys: Float64Array | null = null;
  if (sortKeys !== null) {
    keys = identity ? sortKeys : scatter(sortKeys, position, new Float64Array(n));
    const hint = columns.unsortedSessions;
    if (hint !== undefined) check('unsortedSessions', hint.length, sessionCount);
    for (let s = 0; s < sessionCount; s++) {
      if (hint !== undefined && hint[s] === 0) continue;
      const from = offsets[s]!;
      const to = offsets[s + 1]!;
      let sorted = true;
      let previous = keys[from]!;
      for (let p = from; p < to; p++) {
        const key = keys[p]!;
        if (key !== key)
          throw new InvalidArgumentError(
            'buildEventLog',
            `sortKeys[${position.indexOf(p)}]`,
            Number.NaN,
            'a number (NaN cannot be ordered)',
          );
        if (key < previous) sorted = false;
        previous = key;
      }
      if (!sorted) toSort.push(s);
    }
  }

  const extraEntries = Object.entries(extras);
  let sortedActions = actions;
  let sortedTimes = times;
  let sortedSources = sources;
  let sortedCodes = extraEntries.map(([, column]) => column.codes);
  if (!identity || toSort.length > 0) {
    // Each column written to its positions in one sequential pass over the input (a scatter reads
    // in order and writes scattered, which runs faster than gathering through an index).
    sortedActions = scatter(actions, position, new Int32Array(n));
    // The times, when they are the sort keys, were scattered already.
    sortedTimes =
      times === null
        ? null
        : times === sortKeys && keys !== sortKeys
          ? keys
          : scatter(times, position, new Float64Array(n));
    // Events of one source (the usual case) need no reordering of their sources.
    sortedSources = uniform(sources) ? sources : scatter(sources, position, new Uint16Array(n));
    sortedCodes = sortedCodes.map((codes) => scatter(codes, position, new Int32Array(n)));
    for (const s of toSort) {
      const from = offsets[s]!;
      const to = offsets[s + 1]!;
      // Ties fall back to input order (positions within a session follow it), which makes the sort stable.
      const k = keys!;
      const perm = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => k[a]! - k[b]! || a - b);
      permute(sortedActions, perm, from);
      if (sortedTimes !== null) permute(sortedTimes, perm, from);
      if (sortedSources !== sources) permute(sortedSources, perm, from);
      for (const codes of sortedCodes) permute(codes, perm, from);
    }
  }
  const sortedExtras: Record<string, StringColumn> = {};
  extraEntries.forEach(([name, column], j) => {
    sortedExtras[name] = { kind: 'string', codes: sortedCodes[j]!, dictionary: column.dictionary };
  });
  return new EventLog({
    sessionIds,
    labels,
    offsets,
    eventIndex: null,
    actions: sortedActions,
    actionDictionary,
    times: sortedTimes,
    sources: sortedSources,
    sourceNames,
    extras: sortedExtras,
    skipped,
    replacedText,
  });
}

/** True when every entry of `values` is the same. */
function uniform(values: Uint16Array): boolean {
  const first = values[0];
  for (let e = 1; e < values.length; e++) if (values[e] !== first) return false;
  return true;
}

/** `out[position[e]] = values[e]` for every event. */
function scatter<T extends Int32Array | Float64Array | Uint16Array>(values: T, position: Uint32Array, out: T): T {
  for (let e = 0; e < position.length; e++) out[position[e]!] = values[e]!;
  return out;
}

/** Reorders `values[from..from + perm.length)` so that its i-th entry is the one at `perm[i]`. */
function permute(values: Int32Array | Float64Array | Uint16Array, perm: readonly number[], from: number): void {
  const copy = values.slice(from, from + perm.length);
  for (let i = 0; i < perm.length; i++) values[from + i] = copy[perm[i]! - from]!;
}
